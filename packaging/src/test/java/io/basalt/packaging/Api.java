package io.basalt.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The admin API over plain java.net.http, the way any client would call it. Every answer's
 * body is kept ({@link #bodies()}) so a test can look for what must never be in one.
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        Reply expect(int wanted) {
            assertEquals(wanted, status, () -> "HTTP " + status + ": " + body);
            return this;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final List<String> bodies;

    Api(String base, String token) {
        this(base, token, new CopyOnWriteArrayList<>());
    }

    private Api(String base, String token, List<String> bodies) {
        this.base = base;
        this.token = token;
        this.bodies = bodies;
    }

    /** The same API with another token (null: none), recording into the same list. */
    Api withToken(String other) {
        return new Api(base, other, bodies);
    }

    List<String> bodies() {
        return List.copyOf(bodies);
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    Reply post(String path, Object body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    Reply put(String path, Object body) throws IOException, InterruptedException {
        return send("PUT", path, body);
    }

    Reply delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }

    Reply send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(method + " " + path + " -> " + r.statusCode() + " " + r.headers().map() + " " + r.body());
        return new Reply(r.statusCode(), r.headers(), r.body());
    }
}
