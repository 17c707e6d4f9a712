package io.switchboard.server.rooms;

import static io.switchboard.server.ratelimit.OpsTestSupport.WAIT;
import static io.switchboard.server.ratelimit.OpsTestSupport.request;
import static io.switchboard.server.ratelimit.OpsTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A claim value holding the room names' separator cannot widen the default policy {@code org:{orgId}:*}: the org
 * {@code acme:eu} and the sub-room {@code eu} of org {@code acme} stay two things, for joins and for API emits.
 */
class ClaimValueRoomsTest {
    private static final String KEY = "claim-value-test-key-0123456789";

    @RegisterExtension
    final OpsTestSupport support = new OpsTestSupport();

    private static int post(SwitchboardServer server, String body) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create(OpsTestSupport.base(server) + "/api/emit"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(WAIT)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void anOrgWithTheSeparatorInItsNameReachesNeitherWay() throws Exception {
        SwitchboardServer server = support.start("api:", "  keys: [\"" + KEY + "\"]");
        Socket eu = support.connected(server, "/", Map.of("token", token(Map.of("sub", "eve", "orgId", "acme:eu"))));
        Socket acme = support.connected(server, "/", Map.of("token", token(Map.of("sub", "alice", "orgId", "acme"))));
        eu.on("error", args -> { });
        List<String> aliceGot = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> marker = new CompletableFuture<>();
        acme.on("memo", args -> aliceGot.add("memo"));
        acme.on("marker", args -> marker.complete(null));
        CompletableFuture<Object> euMemo = new CompletableFuture<>();
        eu.on("memo", args -> euMemo.complete(args[0]));

        // a member of acme:eu does not get into the rooms of acme
        Object refused = request(eu, "join-room", "org:acme:eu:payroll").get(WAIT, TimeUnit.SECONDS);
        assertTrue(String.valueOf(refused).contains("Access denied"), String.valueOf(refused));
        assertTrue(String.valueOf(request(eu, "join-room", "org:acme%3Aeu:payroll").get(WAIT, TimeUnit.SECONDS))
                .contains("\"ok\":true"), "its own org's rooms, escaped");
        // a member of acme joins acme's sub-room "eu", which is not the room of org acme:eu
        assertTrue(String.valueOf(request(acme, "join-room", "org:acme:eu").get(WAIT, TimeUnit.SECONDS))
                .contains("\"ok\":true"));
        String escapedRoom = String.valueOf(request(acme, "join-room", "org:acme%3Aeu").get(WAIT, TimeUnit.SECONDS));
        assertTrue(escapedRoom.contains("Access denied"), escapedRoom);

        assertEquals(200, post(server, "{\"orgs\": [\"acme:eu\"], \"event\": \"memo\", \"data\": \"for acme:eu\"}"));
        assertEquals(200, post(server, "{\"users\": [\"alice\"], \"event\": \"marker\"}"));
        assertEquals("for acme:eu", euMemo.get(WAIT, TimeUnit.SECONDS));
        marker.get(WAIT, TimeUnit.SECONDS);
        assertEquals(List.of(), aliceGot, "the emit for org acme:eu reached a member of acme");
    }
}
