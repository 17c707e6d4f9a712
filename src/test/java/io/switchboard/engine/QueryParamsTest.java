package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.handler.codec.http.QueryStringDecoder;

/** One parameter read from the raw query agrees with Netty's decoding of the whole query, whatever the query. */
class QueryParamsTest {
    private static final List<String> URIS = List.of("/socket.io/?EIO=4&transport=polling", "/x?a=1&a=2", "/x?a",
            "/x?b=%20c+d;a=q", "/x?a=1#frag&b=2", "/x", "/x?", "/x?=v&a=", "/x?t%6Fken=abc&token=def",
            "/x?&&a=%C3%A9&", "/x?a=1=2", "http://host:3000/socket.io/?EIO=4&sid=abc&j=0&j=1", "/x?a+b=1&a b=2");
    private static final List<String> NAMES = List.of("a", "b", "EIO", "transport", "sid", "token", "j", "frag",
            "a b", "");

    @Test
    void firstAndAllAgreeWithTheWholeQuery() {
        for (String uri : URIS) {
            QueryStringDecoder decoder = new QueryStringDecoder(uri);
            for (String name : NAMES) {
                List<String> values = decoder.parameters().get(name);
                assertEquals(values, QueryParams.all(uri, name), uri + " " + name);
                assertEquals(values == null ? null : values.get(0), QueryParams.first(uri, name), uri + " " + name);
            }
            QueryParams.checkEncoding(uri);
        }
    }

    @Test
    void aBadlyEncodedNameOrValueIsRefusedAsTheDecoderRefusesIt() {
        for (String uri : List.of("/x?a=%zz", "/x?%a=1", "/x?ok=1&b=%4", "/x?a=1;c=%g1")) {
            assertThrows(IllegalArgumentException.class, () -> new QueryStringDecoder(uri).parameters(), uri);
            assertThrows(IllegalArgumentException.class, () -> QueryParams.checkEncoding(uri), uri);
        }
    }
}
