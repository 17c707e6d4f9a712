package com.example.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.chat.ChatServer;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.core.Server;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with the README's server as a bean: Boot's dependency management decides the versions of
 * Jackson and logback, and Boot's logging configuration (not one shipped in Switchboard's jar) formats every line,
 * Switchboard's own included.
 */
class SpringBootConsumerTest {
    /** Boot's default console line: ISO date-time, level, pid, "---", [thread], logger, " : ", message. */
    private static final Pattern BOOT_LINE = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\S*\\s+(INFO|WARN|ERROR)\\s+\\d+ --- .*\\[.+\\] \\S+\\s+: .*");

    @SpringBootConfiguration
    static class App {
        @Bean(destroyMethod = "close")
        Server chat() {
            Server server = ChatServer.create();
            server.onConnection(socket -> socket.on("boom", event -> {
                throw new IllegalStateException("a handler that fails");
            }));
            return server;
        }
    }

    @Test
    void bootsVersionsWin() throws IOException {
        String bom = Files.readString(Path.of(System.getProperty("boot.bom")));
        String bootJackson = property(bom, "jackson-bom.version");
        String bootLogback = property(bom, "logback.version");
        // otherwise this test would show nothing
        assertNotEquals(System.getProperty("switchboard.jackson.version"), bootJackson);
        assertNotEquals(System.getProperty("switchboard.logback.version"), bootLogback);

        assertEquals(bootJackson, jarVersion("com.fasterxml.jackson.core", "jackson-databind"));
        assertEquals(bootLogback, jarVersion("ch.qos.logback", "logback-classic"));
    }

    @Test
    void theReadmeServerRunsInBootAndLogsInBootsFormat() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        Socket client = null;
        try (ConfigurableApplicationContext context = SpringApplication.run(App.class)) {
            Server server = context.getBean(Server.class);
            int port = server.start("127.0.0.1", 0).getPort();
            client = IO.socket("http://127.0.0.1:" + port,
                    IO.Options.builder().setTransports(new String[] {"websocket"}).build());
            CompletableFuture<Object> ack = new CompletableFuture<>();
            client.once(Socket.EVENT_CONNECT_ERROR, args -> ack.completeExceptionally(new AssertionError(args[0])));
            client.connect();
            client.emit("chat", new Object[] {"hello from Boot"}, args -> ack.complete(args[0]));
            assertEquals("received", ack.get(10, TimeUnit.SECONDS));

            client.emit("boom");
            String failure = awaitLine(captured, "callback failed (socket ");
            assertTrue(BOOT_LINE.matcher(failure).matches(), "Switchboard's log line is not in Boot's format: " + failure);
            String started = awaitLine(captured, "Started ");
            assertTrue(BOOT_LINE.matcher(started).matches(), "Boot's own line is not in Boot's format: " + started);
        } finally {
            if (client != null) {
                client.close();
            }
            System.setOut(original);
        }
    }

    private static String awaitLine(ByteArrayOutputStream captured, String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<String> lines;
            synchronized (captured) {
                lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
            }
            for (String line : lines) {
                if (line.contains(part)) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no log line with \"" + part + "\" within 10 s in:\n" + captured);
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertTrue(m.find(), name + " is not in Boot's BOM");
        return m.group(1).trim();
    }

    private static String jarVersion(String group, String artifact) throws IOException {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = SpringBootConsumerTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertTrue(in != null, resource + " is not on the classpath");
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }

    /** Writes to the console and to the capture, so that the build log still shows what happened. */
    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final ByteArrayOutputStream capture;

        Tee(OutputStream console, ByteArrayOutputStream capture) {
            this.console = console;
            this.capture = capture;
        }

        @Override
        public void write(int b) throws IOException {
            console.write(b);
            synchronized (capture) {
                capture.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            synchronized (capture) {
                capture.write(b, off, len);
            }
        }
    }
}
