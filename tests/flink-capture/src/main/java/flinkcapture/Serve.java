package flinkcapture;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.util.EnvironmentInformation;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A live JobManager for the end-to-end tier (plugin/tests/e2e_live_flink.rs): starts a MiniCluster
 * whose REST endpoint listens on {@code --host} (one TaskManager, the {@link KeyedCounterJob} at
 * parallelism 2, periodic checkpoints every {@code --checkpoint-interval-ms}, default 60 s), waits
 * until the job is RUNNING, takes one checkpoint, then prints one line on stdout:
 *
 * <pre>flink-serve: ready rest=http://HOST:PORT job=JOBID dir=WORKDIR version=FLINK_VERSION</pre>
 *
 * <p>Every snapshot after that first checkpoint is slowed down ({@code --snapshot-sleep-ms} in
 * subtask 0 of the counter), so a savepoint is observably IN_PROGRESS with part of its subtasks
 * acknowledged, also through Flink's REST cache of checkpoint statistics ({@code
 * web.refresh-interval}, 3 s, left at its default: the sleep must be longer). Savepoints go where
 * the caller's POST /jobs/:jobid/savepoints says (e.g. {@code WORKDIR/savepoints}). Runs until its
 * stdin reaches end of file (the test process exited), then deletes WORKDIR and halts.
 */
public final class Serve {

    private Serve() {}

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        long sleepMs = 2000;
        long intervalMs = 60_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--snapshot-sleep-ms" -> sleepMs = Long.parseLong(args[i + 1]);
                case "--checkpoint-interval-ms" -> intervalMs = Long.parseLong(args[i + 1]);
                default -> usage();
            }
        }
        if (args.length % 2 != 0) {
            usage();
        }
        Path dir = Files.createTempDirectory("flink-serve-").toRealPath();
        // Stop when the test process is gone, however it went: our stdin is its pipe.
        Thread watchdog =
                new Thread(
                        () -> {
                            drain(System.in);
                            // the whole cluster lives in this JVM: nothing to stop gracefully
                            deleteRecursively(dir);
                            Runtime.getRuntime().halt(0);
                        },
                        "flink-serve-stdin");
        watchdog.setDaemon(true);
        watchdog.start();

        KeyedCounterJob.slowSnapshotMs = sleepMs;
        Configuration conf = KeyedCounterJob.clusterConfig(host, dir.resolve("checkpoints"));
        MiniCluster cluster = new MiniCluster(KeyedCounterJob.miniCluster(conf));
        cluster.start();
        URI rest = cluster.getRestAddress().get();
        Rest api = new Rest(rest);
        JobID id = new JobID();
        cluster.submitJob(KeyedCounterJob.jobGraph(conf, id, null, intervalMs)).get();
        String job = "/jobs/" + id;
        Rest.waitFor("job RUNNING", () -> "RUNNING".equals(api.get(job).path("state").asText()));
        // One quick checkpoint now (POST /jobs/:jobid/checkpoints, Flink 1.19+), so that there is a
        // completed one without waiting for the interval; every snapshot after it is slow.
        Rest.waitFor("a checkpoint trigger", () -> api.post(job + "/checkpoints", "{}").has("request-id"));
        Rest.waitFor(
                "a completed checkpoint",
                () -> api.get(job + "/checkpoints").path("counts").path("completed").asLong() >= 1);
        KeyedCounterJob.SLOW_SNAPSHOT.set(sleepMs > 0);
        System.out.println(
                "flink-serve: ready rest=" + rest + " job=" + id + " dir=" + dir + " version="
                        + EnvironmentInformation.getVersion());
        System.out.flush();
        watchdog.join();
    }

    private static void usage() {
        System.err.println(
                "usage: Serve [--host ADDRESS] [--snapshot-sleep-ms MS] [--checkpoint-interval-ms MS]");
        System.exit(2);
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // nothing is expected on stdin; only its end matters
            }
        } catch (IOException e) {
            // a broken pipe is an end too
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("flink-serve: could not delete " + root + ": " + e);
        }
    }
}
