package io.switchboard.engine;

/**
 * An observer that passes everything on to another: wrappers extend it and override only what they act on, so that a
 * method added to {@link EngineObserver} reaches the observers behind every wrapper without each one repeating it.
 */
public class ForwardingEngineObserver implements EngineObserver {
    protected final EngineObserver next;

    public ForwardingEngineObserver(EngineObserver next) {
        this.next = next;
    }

    @Override
    public void sessionOpened(EngineSession session) {
        next.sessionOpened(session);
    }

    @Override
    public void sessionClosed(EngineSession session, String reason) {
        next.sessionClosed(session, reason);
    }

    @Override
    public void upgraded(EngineSession session) {
        next.upgraded(session);
    }

    @Override
    public void slowConsumer(EngineSession session) {
        next.slowConsumer(session);
    }

    @Override
    public void refused(EngineError error, HandshakeRequest request) {
        next.refused(error, request);
    }

    @Override
    public void connectionRefused(String reason) {
        next.connectionRefused(reason);
    }
}
