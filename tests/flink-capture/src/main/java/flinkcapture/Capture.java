package flinkcapture;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Starts a Flink MiniCluster (REST on 127.0.0.1 only), runs a small stateful streaming job, takes
 * savepoints through the REST API the way the Flink Kubernetes operator does (POST
 * /jobs/:jobid/savepoints with target-directory + formatType, then polls the trigger) and writes
 * the JSON responses to {@code <fixtures-dir>/<flink-version>/<name>.json}.
 *
 * <p>Normalisation, so re-runs diff in values only: the temp directory is replaced by {@value
 * #PLACEHOLDER}, the job id is fixed, JSON is pretty-printed, and failure causes keep a short
 * stack trace and drop the base64 serialized throwable (see the fixtures README).
 */
public final class Capture {

    static final String PLACEHOLDER = "/tmp/flink-capture";
    static final JobID JOB_ID = JobID.fromHexString("f11c0000000000000000000000000001");
    /** The same job restored from the CANONICAL savepoint, for `latest.restored`. */
    static final JobID RESTORED_JOB_ID = JobID.fromHexString("f11c0000000000000000000000000002");
    static final String JOB_NAME = "flink-capture-keyed-counter";

    /**
     * When set, subtask 0 of the counter sleeps in snapshotState, so a savepoint stays IN_PROGRESS
     * (with part of its subtasks acknowledged) long enough to be observed. The cluster runs in this
     * JVM and the job's classes come from the application class path, so the flag is shared.
     */
    public static final AtomicBoolean SLOW_SNAPSHOT = new AtomicBoolean(false);

    static final long SLOW_SNAPSHOT_MS = 4000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static URI rest;
    private static Path tmp;
    private static Path out;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Capture <fixtures-dir>");
            System.exit(2);
        }
        String version = EnvironmentInformation.getVersion();
        out = Path.of(args[0]).toAbsolutePath().normalize().resolve(version);
        Files.createDirectories(out);
        tmp = Files.createTempDirectory("flink-capture-").toRealPath();
        try {
            run();
        } finally {
            deleteRecursively(tmp);
        }
        System.out.println("flink-capture: wrote fixtures for Flink " + version + " to " + out);
        System.exit(0);
    }

    private static void run() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:" + tmp.resolve("checkpoints"));
        conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 12);

        MiniClusterConfiguration mcc =
                new MiniClusterConfiguration.Builder()
                        .setConfiguration(conf)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(2)
                        .build();
        try (MiniCluster cluster = new MiniCluster(mcc)) {
            cluster.start();
            rest = cluster.getRestAddress().get();
            if (!"127.0.0.1".equals(rest.getHost()) && !"localhost".equals(rest.getHost())) {
                throw new IllegalStateException("REST endpoint is not on loopback: " + rest);
            }
            System.out.println("flink-capture: REST endpoint " + rest);

            cluster.submitJob(jobGraph(conf, JOB_ID, null)).get();
            String job = "/jobs/" + JOB_ID;

            // Running, with a few completed periodic checkpoints.
            waitFor("job RUNNING", () -> "RUNNING".equals(get(job).path("state").asText()));
            waitFor(
                    "2 completed checkpoints",
                    () -> get(job + "/checkpoints").path("counts").path("completed").asLong() >= 2);

            save("overview", get("/overview"));
            save("jobs-overview", get("/jobs/overview"));
            save("job", get(job));
            save("checkpoints-config", get(job + "/checkpoints/config"));

            JsonNode stats = get(job + "/checkpoints");
            long checkpointId = stats.path("latest").path("completed").path("id").asLong();
            save("checkpoint-details-checkpoint", get(job + "/checkpoints/details/" + checkpointId));

            String savepoints = "file:" + tmp.resolve("savepoints");

            // 1. CANONICAL savepoint, slowed down so that it is seen IN_PROGRESS.
            SLOW_SNAPSHOT.set(true);
            JsonNode trigger = trigger(job, savepoints, "CANONICAL");
            save("savepoint-trigger", trigger);
            String canonical = trigger.path("request-id").asText();
            JsonNode status = get(job + "/savepoints/" + canonical);
            if ("IN_PROGRESS".equals(status.path("status").path("id").asText())) {
                save("savepoint-status-in-progress", status);
                JsonNode pending = pendingSavepoint(job);
                if (pending != null) {
                    save("checkpoints-savepoint-in-progress", get(job + "/checkpoints"));
                    save(
                            "checkpoint-details-in-progress",
                            get(job + "/checkpoints/details/" + pending.path("id").asLong()));
                } else {
                    System.err.println("flink-capture: savepoint not yet in the history");
                }
            } else {
                System.err.println("flink-capture: savepoint finished before it was observed");
            }
            SLOW_SNAPSHOT.set(false);
            JsonNode done = awaitTrigger(job, canonical);
            save("savepoint-status-completed", done);

            // 2. NATIVE savepoint.
            String nativeId = trigger(job, savepoints, "NATIVE").path("request-id").asText();
            save("savepoint-status-completed-native", awaitTrigger(job, nativeId));

            // 3. A savepoint that fails: the target directory lies under a regular file.
            Path blocker = tmp.resolve("not-a-directory");
            Files.writeString(blocker, "x");
            String bad = "file:" + blocker.resolve("savepoints");
            String failedId = trigger(job, bad, "CANONICAL").path("request-id").asText();
            save("savepoint-status-failed", awaitTrigger(job, failedId));

            // Statistics after all of the above, and the details of both savepoints.
            Thread.sleep(1500); // one more periodic checkpoint after the savepoints
            JsonNode after = get(job + "/checkpoints");
            save("checkpoints", after);
            String canonicalLocation = done.path("operation").path("location").asText();
            for (JsonNode entry : after.path("history")) {
                if (entry.path("is_savepoint").asBoolean()
                        && canonicalLocation.equals(entry.path("external_path").asText())) {
                    save(
                            "checkpoint-details-savepoint",
                            get(job + "/checkpoints/details/" + entry.path("id").asLong()));
                }
            }

            cancel(job);
            waitFor("job CANCELED", () -> "CANCELED".equals(get(job).path("state").asText()));

            // The same job restored from the CANONICAL savepoint: `latest.restored` is set.
            cluster.submitJob(jobGraph(conf, RESTORED_JOB_ID, canonicalLocation)).get();
            String restored = "/jobs/" + RESTORED_JOB_ID;
            waitFor("restored job RUNNING", () -> "RUNNING".equals(get(restored).path("state").asText()));
            waitFor(
                    "a completed checkpoint after the restore",
                    () -> get(restored + "/checkpoints").path("counts").path("completed").asLong() >= 1);
            save("checkpoints-restored", get(restored + "/checkpoints"));
            cancel(restored);
        }
    }

    private static void cancel(String job) throws IOException, InterruptedException {
        HTTP.send(
                HttpRequest.newBuilder(rest.resolve(job + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static JobGraph jobGraph(Configuration conf, JobID id, String restoreFrom) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(1000);
        env.fromSequence(0, Long.MAX_VALUE)
                .name("sequence")
                .uid("sequence")
                .map(new Throttle())
                .name("throttle")
                .uid("throttle")
                .keyBy(new ModKey())
                .map(new KeyedCounter())
                .name("keyed-counter")
                .uid("keyed-counter")
                .sinkTo(new DiscardingSink<>())
                .name("discard")
                .uid("discard");
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(JOB_NAME);
        JobGraph jobGraph = graph.getJobGraph();
        jobGraph.setJobID(id);
        if (restoreFrom != null) {
            jobGraph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoreFrom));
        }
        return jobGraph;
    }

    /** About 500 records per second per subtask. */
    public static final class Throttle implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) throws Exception {
            Thread.sleep(2);
            return value;
        }
    }

    public static final class ModKey implements KeySelector<Long, Long> {
        @Override
        public Long getKey(Long value) {
            return value % 1024;
        }
    }

    /** Counts per key in keyed ValueState; emits the running count. */
    public static final class KeyedCounter extends RichMapFunction<Long, Long>
            implements CheckpointedFunction {
        private transient ValueState<Long> count;

        @Override
        public void initializeState(FunctionInitializationContext context) {
            count =
                    context.getKeyedStateStore()
                            .getState(new ValueStateDescriptor<>("count", Long.class));
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            if (SLOW_SNAPSHOT.get() && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                Thread.sleep(SLOW_SNAPSHOT_MS);
            }
        }

        @Override
        public Long map(Long value) throws Exception {
            Long c = count.value();
            long next = c == null ? 1 : c + 1;
            count.update(next);
            return next;
        }
    }

    // ---- REST ------------------------------------------------------------------------------

    private static JsonNode trigger(String job, String dir, String format) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("target-directory", dir);
        body.put("cancel-job", false);
        body.put("formatType", format);
        return post(job + "/savepoints", body.toString());
    }

    private static JsonNode awaitTrigger(String job, String triggerId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get(job + "/savepoints/" + triggerId);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("savepoint " + triggerId + " did not complete");
    }

    private static JsonNode pendingSavepoint(String job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode entry : get(job + "/checkpoints").path("history")) {
                if (entry.path("is_savepoint").asBoolean()
                        && "IN_PROGRESS".equals(entry.path("status").asText())
                        && entry.path("num_acknowledged_subtasks").asLong() > 0) {
                    return entry;
                }
            }
            Thread.sleep(50);
        }
        return null;
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(rest.resolve(path)).GET().build());
    }

    private static JsonNode post(String path, String body) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(rest.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
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

    private static void waitFor(String what, Check check) throws Exception {
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

    // ---- output ----------------------------------------------------------------------------

    private static void save(String name, JsonNode node) throws IOException {
        trimFailureCauses(node);
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        text = text.replace(tmp.toString(), PLACEHOLDER);
        Files.writeString(out.resolve(name + ".json"), text + "\n", StandardCharsets.UTF_8);
        System.out.println("flink-capture: " + name + ".json");
    }

    /**
     * Keeps failure causes readable and stable across runs: the first line of the stack trace and
     * its "Caused by:" lines (frames vary with timing), no serialized throwable.
     */
    private static void trimFailureCauses(JsonNode node) {
        if (node instanceof ObjectNode) {
            ObjectNode object = (ObjectNode) node;
            if (object.has("serialized-throwable")) {
                object.put("serialized-throwable", "<elided by flink-capture>");
            }
            JsonNode trace = object.get("stack-trace");
            if (trace != null && trace.isTextual()) {
                String[] lines = trace.asText().split("\n");
                StringBuilder kept = new StringBuilder(lines[0]).append('\n');
                for (int i = 1; i < lines.length; i++) {
                    if (lines[i].startsWith("Caused by:")) {
                        kept.append(lines[i]).append('\n');
                    }
                }
                kept.append("\t... (frames trimmed by flink-capture)\n");
                object.put("stack-trace", kept.toString());
            }
        }
        node.forEach(Capture::trimFailureCauses);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
