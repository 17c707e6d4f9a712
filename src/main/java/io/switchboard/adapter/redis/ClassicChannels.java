package io.switchboard.adapter.redis;

/** The channel names of one namespace in the classic protocol (section 1 of the wire format). */
record ClassicChannels(String broadcast, String request, String response, String specificResponse) {

    static ClassicChannels of(String key, String namespace, String uid) {
        String response = key + "-response#" + namespace + "#";
        return new ClassicChannels(key + "#" + namespace + "#", key + "-request#" + namespace + "#", response,
                response + uid + "#");
    }

    /** Covers the base channel and every single-room channel; glob characters of the name are escaped. */
    String broadcastPattern() {
        return escapeGlob(broadcast) + "*";
    }

    /** Where a broadcast goes: the room's own channel when it targets exactly one room. */
    String broadcastChannel(java.util.Set<String> rooms) {
        return rooms.size() == 1 ? broadcast + rooms.iterator().next() + "#" : broadcast;
    }

    /** The room named by a broadcast channel: "" for the base channel, null when the channel is not ours. */
    String roomOf(String channel) {
        if (!channel.startsWith(broadcast) || !channel.endsWith("#")) {
            return null;
        }
        return channel.length() == broadcast.length() ? "" : channel.substring(broadcast.length(),
                channel.length() - 1);
    }

    /** Where answers to a requester go when responders publish on specific channels. */
    String responseFor(String requesterUid) {
        return response + requesterUid + "#";
    }

    static String escapeGlob(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ("*?[]\\".indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
