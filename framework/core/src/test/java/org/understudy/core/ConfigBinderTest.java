package org.understudy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.api.Description;
import org.understudy.api.EnvOverride;

class ConfigBinderTest {

    enum Mode { FAST, SAFE }

    @Description("sample")
    record Sample(@Description("a port") @EnvOverride("SAMPLE_PORT") int port,
                  @Description("bind") String bind, long big, double ratio, boolean enabled,
                  Duration timeout, Mode mode, List<String> upstreams) {
        Sample {
            if (ratio > 1) {
                throw new IllegalArgumentException("ratio must be <= 1");
            }
        }
    }

    static final Sample DEFAULTS = new Sample(53, "127.0.0.1", 1L << 40, 0.5, true, Duration.ofSeconds(2),
            Mode.SAFE, List.of("127.0.0.1:5300"));

    private final ConfigBinder binder = new ConfigBinder(Map.of("SAMPLE_PORT", "5353")::get);
    private final ConfigBinder noEnv = new ConfigBinder(k -> null);

    @Test
    void emptyDictionaryGivesTheDefaults() {
        assertEquals(DEFAULTS, noEnv.bind(Sample.class, DEFAULTS, Map.of()).config());
    }

    @Test
    void convertsStringsFromFilesAndTypedValuesFromConfigAdmin() {
        Sample s = noEnv.bind(Sample.class, DEFAULTS, Map.of("port", "5300", "big", 7L, "ratio", "0.25",
                "enabled", "FALSE", "timeout", "1500ms", "mode", "fast", "upstreams", new String[] {"a:1, b:2", "c"}))
                .config();
        assertEquals(new Sample(5300, "127.0.0.1", 7, 0.25, false, Duration.ofMillis(1500), Mode.FAST,
                List.of("a:1", "b:2", "c")), s);
        assertEquals(Duration.ofMinutes(2), noEnv.bind(Sample.class, DEFAULTS, Map.of("timeout", "PT2M")).config().timeout());
        assertEquals(Duration.ofDays(7), noEnv.bind(Sample.class, DEFAULTS, Map.of("timeout", "7d")).config().timeout());
        assertEquals(Duration.ZERO, noEnv.bind(Sample.class, DEFAULTS, Map.of("timeout", "0")).config().timeout(), "zero needs no unit");
    }

    @Test
    void reportsEveryBadValueByName() {
        ConfigBinder.Result<Sample> r = noEnv.bind(Sample.class, DEFAULTS,
                Map.of("port", "x", "enabled", "yes", "timeout", "soon", "mode", "turbo"));
        assertFalse(r.valid());
        assertEquals(4, r.errors().size());
        assertTrue(r.errors().contains("property 'port': expected an integer, got 'x'"));
        assertTrue(r.errors().contains("property 'enabled': expected true or false, got 'yes'"));
        assertTrue(r.errors().contains("property 'mode': expected one of [FAST, SAFE], got 'turbo'"));
        assertTrue(r.errors().stream().anyMatch(e -> e.startsWith("property 'timeout': expected a duration")));
    }

    @Test
    void theRecordsOwnValidationRejects() {
        ConfigBinder.Result<Sample> r = noEnv.bind(Sample.class, DEFAULTS, Map.of("ratio", "3"));
        assertEquals(List.of("ratio must be <= 1"), r.errors());
    }

    @Test
    void environmentOverridesAndIsNamedInErrors() {
        assertEquals(5353, binder.bind(Sample.class, DEFAULTS, Map.of("port", "5300")).config().port());
        ConfigBinder bad = new ConfigBinder(Map.of("SAMPLE_PORT", "fifty")::get);
        assertEquals(List.of("environment variable SAMPLE_PORT (for 'port'): expected an integer, got 'fifty'"),
                bad.bind(Sample.class, DEFAULTS, Map.of()).errors());
    }

    @Test
    void unknownPlainPropertiesWarnButNamespacedOnesAreIgnored() {
        ConfigBinder.Result<Sample> r = noEnv.bind(Sample.class, DEFAULTS,
                Map.of("prot", "1", "service.pid", "x", "understudy.source", "conf/x.cfg"));
        assertTrue(r.valid());
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).startsWith("unknown property 'prot' ignored"));
    }

    @Test
    void schemaDescribesEveryComponentWithDefaultsForTheForm() {
        ConfigSchema schema = ConfigSchema.of(Sample.class, DEFAULTS);
        assertEquals("sample", schema.description());
        assertEquals(8, schema.fields().size());
        ConfigSchema.Field port = schema.fields().get(0);
        assertEquals(new ConfigSchema.Field("port", ConfigSchema.FieldType.INTEGER, "53", "a port", "SAMPLE_PORT",
                List.of(), false), port);
        assertEquals("2s", schema.fields().get(5).defaultText());
        assertEquals(List.of("FAST", "SAFE"), schema.fields().get(6).options());
        assertEquals("127.0.0.1:5300", schema.fields().get(7).defaultText());
    }

    record WithSecret(String user, @org.understudy.api.Secret String password) {}

    @Test
    void aSecretIsNeverShownNorItsDefault() {
        WithSecret c = new WithSecret("gateway", "hunter2");
        assertEquals("WithSecret[user=gateway, password=********]", ConfigSchema.describe(c));
        ConfigSchema schema = ConfigSchema.of(WithSecret.class, c);
        assertTrue(schema.fields().get(1).secret());
        assertEquals("", schema.fields().get(1).defaultText(), "not even the default goes into a form");
    }
}
