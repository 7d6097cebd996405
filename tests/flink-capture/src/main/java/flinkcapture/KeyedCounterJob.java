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
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.nio.file.Path;

/**
 * The stateful streaming job of {@link Capture} and {@link Serve}: a throttled sequence, keyed by
 * value mod 1024, counted per key in keyed ValueState, discarded. Parallelism 2.
 *
 * <p>While {@link #SLOW_SNAPSHOT} is set, subtask 0 of the counter sleeps {@link
 * #slowSnapshotMs} in snapshotState, so a snapshot stays IN_PROGRESS (with part of its subtasks
 * acknowledged) long enough to be observed. The cluster runs in the JVM that sets the flag and
 * the job's classes come from the application class path, so the flag is shared.
 */
public final class KeyedCounterJob {

    public static final String JOB_NAME = "flink-capture-keyed-counter";

    public static final java.util.concurrent.atomic.AtomicBoolean SLOW_SNAPSHOT =
            new java.util.concurrent.atomic.AtomicBoolean(false);

    public static volatile long slowSnapshotMs = 4000;

    private KeyedCounterJob() {}

    /**
     * A MiniCluster configuration: REST on {@code restHost} (port chosen by the OS), the JobManager
     * and TaskManager RPC on 127.0.0.1, checkpoints under {@code checkpoints}, 12 history entries.
     */
    public static Configuration clusterConfig(String restHost, Path checkpoints) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, restHost);
        conf.set(RestOptions.BIND_ADDRESS, restHost);
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:" + checkpoints);
        conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 12);
        return conf;
    }

    /** One TaskManager with two slots (the job's parallelism). */
    public static MiniClusterConfiguration miniCluster(Configuration conf) {
        return new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build();
    }

    /** The job graph with id {@code id}, checkpointing every {@code checkpointIntervalMs}. */
    public static JobGraph jobGraph(
            Configuration conf, JobID id, String restoreFrom, long checkpointIntervalMs) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(checkpointIntervalMs);
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
                Thread.sleep(slowSnapshotMs);
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
}
