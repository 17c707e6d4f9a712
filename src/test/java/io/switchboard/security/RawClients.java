package io.switchboard.security;

import java.util.ArrayList;
import java.util.List;

/** The raw clients a test opened, closed together after it. */
final class RawClients implements AutoCloseable {
    private final List<RawClient> open = new ArrayList<>();

    RawClient connect(int port) throws Exception {
        RawClient client = RawClient.connect(port);
        open.add(client);
        return client;
    }

    @Override
    public void close() {
        open.forEach(RawClient::close);
        open.clear();
    }
}
