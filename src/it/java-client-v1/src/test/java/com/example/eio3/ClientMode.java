package com.example.eio3;

/** How a client reaches the server: the transports it may use, and the one the server ends up seeing. */
enum ClientMode {
    WEBSOCKET(new String[] {"websocket"}, false, "websocket"),
    POLLING(new String[] {"polling"}, false, "polling"),
    /** Polling first, then the upgrade to websocket (the client's default). */
    UPGRADE(new String[] {"polling", "websocket"}, true, "websocket");

    final String[] transports;
    final boolean upgrade;
    /** The transport in use once the client is connected (and, for UPGRADE, upgraded). */
    final String transport;

    ClientMode(String[] transports, boolean upgrade, String transport) {
        this.transports = transports;
        this.upgrade = upgrade;
        this.transport = transport;
    }
}
