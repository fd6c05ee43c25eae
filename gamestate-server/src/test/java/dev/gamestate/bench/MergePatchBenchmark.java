package dev.gamestate.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.rooms.MergePatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A small merge patch on a realistic room state ({@link Samples#roomState}), against deep-copying the
 * state: the floor a copy-on-write patch would pay. {@code applyAndWrite} adds the serialisation a
 * broadcast's append does after patching, to show what share of that step the patch is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MergePatchBenchmark {

    private ObjectMapper mapper;
    private JsonNode state;
    private JsonNode patch;

    /** The state and the patch. */
    @Setup
    public void setUp() {
        mapper = WireCodec.create().mapper();
        state = Samples.roomState(mapper);
        patch = Samples.movePatch(mapper);
    }

    /** Baseline: a full deep copy of the state. */
    @Benchmark
    public JsonNode deepCopy() {
        return state.deepCopy();
    }

    /** {@code MergePatch.apply}: copies the path the patch touches and shares the rest. */
    @Benchmark
    public JsonNode apply() {
        return MergePatch.apply(state, patch);
    }

    /** The patch plus writing the new state as JSON bytes. */
    @Benchmark
    public byte[] applyAndWrite() throws JsonProcessingException {
        return mapper.writeValueAsBytes(MergePatch.apply(state, patch));
    }
}
