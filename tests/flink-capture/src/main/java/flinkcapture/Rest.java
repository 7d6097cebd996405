package flinkcapture;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A JobManager's REST API: JSON GET/POST/PATCH against its base URI, and waiting for a state. */
final class Rest {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final URI base;

    Rest(URI base) {
        this.base = base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    JsonNode post(String path, String body) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    /** PATCH /jobs/:jobid?mode=cancel. */
    void cancel(String job) throws IOException, InterruptedException {
        HTTP.send(
                HttpRequest.newBuilder(base.resolve(job + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    request.method() + " " + request.uri() + " -> " + response.statusCode() + ": "
                            + response.body());
        }
        return JSON.readTree(response.body());
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls {@code check} every 200 ms for up to 90 s; IOExceptions count as "not yet". */
    static void waitFor(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException e) {
                // e.g. 500 while the JobMaster is still initializing: ask again
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("timed out waiting for " + what);
    }
}
