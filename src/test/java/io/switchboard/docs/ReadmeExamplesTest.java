package io.switchboard.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples (each a whole file, from its {@code package com.example...} line) are the sources of
 * the consumer projects in src/it, which build and serve them against the installed artifact; here they are kept
 * equal to those files and compiled against this build's classes, so that a change of the API or of the README that
 * breaks them fails even a run without the consumer builds.
 */
class ReadmeExamplesTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(package (com\\.example[\\w.]*);.*?)```",
            Pattern.DOTALL);
    private static final Pattern CLASS_NAME = Pattern.compile("public (?:final )?class (\\w+)");

    @Test
    void everyExampleIsAConsumerSourceAndCompiles(@TempDir Path out) throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        List<Path> sources = new ArrayList<>();
        Matcher block = JAVA_BLOCK.matcher(readme);
        while (block.find()) {
            String text = block.group(1);
            Matcher name = CLASS_NAME.matcher(text);
            assertTrue(name.find(), "a README example without a public class:\n" + text);
            Path source = consumerSource(block.group(2).replace('.', '/') + "/" + name.group(1) + ".java");
            assertEquals(Files.readString(source, StandardCharsets.UTF_8), text,
                    "the README's example differs from " + source + ", which the consumer build runs");
            sources.add(source);
        }
        assertFalse(sources.isEmpty(), "the README has no complete Java example");
        assertTrue(readme.contains("import io.switchboard.core.Server;"), "the library example shows its imports");

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(List.of("-d", out.toString(), "--release", "17",
                "-classpath", classpath()));
        sources.forEach(source -> arguments.add(source.toString()));
        int code = compiler.run(null, diagnostics, diagnostics, arguments.toArray(String[]::new));
        assertEquals(0, code, "the README's examples do not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
    }

    /** The file under src/it/NAME/src/main/java/ with this relative path. */
    private static Path consumerSource(String relative) throws IOException {
        try (Stream<Path> consumers = Files.list(Path.of("src", "it"))) {
            return consumers.map(consumer -> consumer.resolve("src/main/java").resolve(relative))
                    .filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new AssertionError("no consumer project in src/it has " + relative));
        }
    }

    /** This build's classes and dependencies (target/test-classpath.txt is written before the tests). */
    private static String classpath() throws IOException {
        Path dependencies = Path.of("target", "test-classpath.txt");
        assertTrue(Files.isRegularFile(dependencies), dependencies + " is missing");
        String list = Files.readString(dependencies, StandardCharsets.UTF_8).trim();
        assertNotNull(list);
        return Path.of("target", "classes") + java.io.File.pathSeparator + list;
    }
}
