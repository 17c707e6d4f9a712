package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UrlMaskTest {
    @Test
    void userInfoKeepsTheUserAndHidesThePasswordWhateverItHolds() {
        assertEquals("redis://:********@host:6379/0", UrlMask.mask("redis://:hunter2@host:6379/0"));
        assertEquals("redis://********@host", UrlMask.mask("redis://s3cretPW@host"), "no colon: a password");
        assertEquals("redis://:********@host", UrlMask.mask("redis://:p/a@ss@host"));
        assertEquals("rediss://default:********@host:6380", UrlMask.mask("rediss://default:pa?ss#w@rd@host:6380"));
        assertEquals("https://svc:********@idp.example.com/jwks", UrlMask.mask("https://svc:pw@idp.example.com/jwks"));
    }

    @Test
    void secretQueryParametersAreHiddenOthersKept() {
        assertEquals("https://idp/jwks?api_key=********&v=2&apikey=********&X-Api-Key=********",
                UrlMask.mask("https://idp/jwks?api_key=abc&v=2&apikey=def&X-Api-Key=ghi"));
        assertEquals("redis-cluster://:********@h1:7000,h2:7001",
                UrlMask.mask("redis-cluster://:pw@h1:7000,h2:7001"), "a cluster's seed list");
        assertEquals("redis-sentinel://h:26379?password=********&sentinelMasterId=m",
                UrlMask.mask("redis-sentinel://h:26379?password=pw&sentinelMasterId=m"));
        for (String name : new String[] {"password", "pass", "pwd", "secret", "token", "key", "access_token",
            "client_secret", "refresh-token", "sig"}) {
            assertEquals("http://h/?" + name + "=********#top", UrlMask.mask("http://h/?" + name + "=x#top"), name);
        }
    }

    @Test
    void textWithoutUrlsIsUnchangedAndUrlsInTextAreMasked() {
        assertEquals("no url here: a@b", UrlMask.mask("no url here: a@b"));
        assertEquals("https://example.com/.well-known/jwks.json",
                UrlMask.mask("https://example.com/.well-known/jwks.json"));
        assertEquals("cannot connect to redis://:********@h:6379 (adapter.redis.url), and http://h/?token=********",
                UrlMask.maskIn("cannot connect to redis://:pw@h:6379 (adapter.redis.url), and http://h/?token=t"));
    }
}
