package io.switchboard.server.adminui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.buffer.Unpooled;
import io.switchboard.server.web.StaticFile;

/**
 * Serves the Admin UI itself at {@code /admin-ui/}: the built {@code ui/dist} of the {@code @socket.io/admin-ui} npm
 * package, copied into the classpath's {@code io/switchboard/server/adminui/ui/} at build time (its file list in
 * {@code files.txt}). The page is the package's, with one script put in front that fills the login form's defaults
 * with this server's namespace and Engine.IO path (the UI keeps them in localStorage; a value the user chose stays).
 */
@ChannelHandler.Sharable
public final class AdminUiHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    public static final String PATH = "/admin-ui/";
    private static final String ROOT = "io/switchboard/server/adminui/ui/";
    private static final String CACHE_CONTROL = "public, max-age=0";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "application/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "map", "application/json; charset=utf-8");

    private final Map<String, StaticFile> files = new HashMap<>();

    public AdminUiHttpHandler(String namespace, String enginePath) {
        super(false);
        for (String name : list()) {
            String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
            byte[] bytes = read(ROOT + name);
            if (bytes == null) {
                continue;
            }
            if (name.equals("index.html")) {
                bytes = withDefaults(new String(bytes, StandardCharsets.UTF_8), namespace, enginePath)
                        .getBytes(StandardCharsets.UTF_8);
            }
            files.put(PATH + name, StaticFile.of(bytes, type, CACHE_CONTROL));
        }
        StaticFile index = files.get(PATH + "index.html");
        if (index != null) {
            files.put(PATH, index);
        }
    }

    /** Whether the UI was built into the classpath. */
    public boolean available() {
        return files.containsKey(PATH);
    }

    private static List<String> list() {
        byte[] list = read(ROOT + "files.txt");
        return list == null ? List.of() : new String(list, StandardCharsets.UTF_8).lines()
                .map(String::trim).filter(line -> !line.isEmpty() && !line.contains("..")).toList();
    }

    private static byte[] read(String name) {
        try (InputStream in = AdminUiHttpHandler.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String withDefaults(String html, String namespace, String enginePath) {
        String path = enginePath.endsWith("/") && enginePath.length() > 1
                ? enginePath.substring(0, enginePath.length() - 1) : enginePath;
        String script = "<script>try{if(!localStorage.getItem(\"namespace\"))localStorage.setItem(\"namespace\","
                + jsString(namespace) + ");if(!localStorage.getItem(\"path\"))localStorage.setItem(\"path\","
                + jsString(path) + ")}catch(e){}</script>";
        int head = html.indexOf("<head>");
        return head < 0 ? script + html : html.substring(0, head + 6) + script + html.substring(head + 6);
    }

    /** A JSON string literal, safe inside a script element. */
    private static String jsString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        StaticFile file = files.get(path);
        if (file == null && path.equals("/admin-ui")) {
            redirect(ctx, req);
            return;
        }
        if (file == null) {
            ctx.fireChannelRead(req);
            return;
        }
        try {
            file.write(ctx, req);
        } finally {
            req.release();
        }
    }

    private static void redirect(ChannelHandlerContext ctx, FullHttpRequest req) {
        try {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND,
                    Unpooled.EMPTY_BUFFER);
            response.headers().set(HttpHeaderNames.LOCATION, PATH);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            io.switchboard.engine.HttpReplies.write(ctx, response, keepAlive);
        } finally {
            req.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
