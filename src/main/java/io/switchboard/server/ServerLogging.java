package io.switchboard.server;

/**
 * Points logback at the packaged server's own configuration ({@value #CONFIGURATION}) before anything logs. The
 * library jar carries no root {@code logback.xml}, so that an embedding application (Spring Boot, say) keeps its own
 * logging; the packaged server asks for its configuration by name instead. Left alone when logback is told a file
 * ({@code -Dlogback.configurationFile}) or when the classpath has a {@code logback.xml} or {@code logback-test.xml}
 * of its own, as logback itself would pick those. {@code logging.format: json} is applied later on top of it
 * ({@link LogFormat}).
 */
final class ServerLogging {
    static final String CONFIGURATION = "io/switchboard/server/logback-server.xml";
    private static final String CONFIGURATION_PROPERTY = "logback.configurationFile";

    private ServerLogging() {
    }

    /** Must run before the first logger is asked for: logback reads the property once, when slf4j starts. */
    static void useBundledConfiguration() {
        if (System.getProperty(CONFIGURATION_PROPERTY) != null) {
            return;
        }
        ClassLoader loader = ServerLogging.class.getClassLoader();
        if (loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null) {
            return;
        }
        System.setProperty(CONFIGURATION_PROPERTY, CONFIGURATION);
    }
}
