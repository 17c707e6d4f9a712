package io.switchboard.server;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Name patterns where {@code *} is any run of characters (possibly none) and everything else is literal. */
public final class Glob {
    private Glob() {
    }

    public static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        int start = 0;
        for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', start)) {
            if (star > start) {
                regex.append(Pattern.quote(glob.substring(start, star)));
            }
            regex.append(".*");
            start = star + 1;
        }
        if (start < glob.length()) {
            regex.append(Pattern.quote(glob.substring(start)));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Whether the name matches any of the globs. */
    public static boolean matchesAny(List<String> globs, String name) {
        return anyOf(globs).test(name);
    }

    /** A test of whether a name matches any of the globs, compiled once. */
    public static Predicate<String> anyOf(List<String> globs) {
        List<Pattern> patterns = globs.stream().map(Glob::compile).toList();
        return name -> patterns.stream().anyMatch(pattern -> pattern.matcher(name).matches());
    }
}
