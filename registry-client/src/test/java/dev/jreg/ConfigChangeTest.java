package dev.jreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jreg.internal.json.Json;
import dev.jreg.model.ImageConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Config changes as {@code docker commit --change} applies them: the forms of each instruction,
 * docker's shapes in the config, variables replaced from the environment as the changes before
 * left it, and every instruction or value docker refuses refused with one message naming it.
 */
class ConfigChangeTest {
    private static final ImageConfig.Container BASE = new ImageConfig.Container(List.of("PATH=/usr/bin", "HOME=/root"),
            List.of("bash"), null, "/work", null, Map.of("22/tcp", Map.of()), Map.of("keep", "me"), null, null, null);

    private static ImageConfig.Container apply(String... changes) {
        return ConfigEdits.apply(BASE, Arrays.stream(changes).map(ConfigChange::parse).toList());
    }

    @Test
    void cmdAndEntrypointTakeTheExecFormAsItIsAndTheShellFormAsDockerWritesIt() {
        assertEquals(List.of("./run.sh", "--fast"), apply("CMD [\"./run.sh\", \"--fast\"]").cmd());
        assertEquals(List.of("/bin/sh", "-c", "echo $HOME && exit 1"), apply("cmd echo $HOME && exit 1").cmd());
        assertEquals(List.of("/bin/sh", "-c", "[not json"), apply("CMD [not json").cmd(), "broken JSON is the shell form");
        ImageConfig.Container entry = apply("ENTRYPOINT [\"/entry\"]");
        assertEquals(List.of("/entry"), entry.entrypoint());
        assertNull(entry.cmd(), "an entrypoint drops the base's command");
        assertEquals(List.of("x"), apply("CMD [\"x\"]", "ENTRYPOINT [\"/entry\"]").cmd(), "unless a CMD came first");
        assertEquals(List.of("y"), apply("ENTRYPOINT [\"/entry\"]", "CMD [\"y\"]").cmd());
    }

    @Test
    void envAndLabelTakePairsOrTheOldFormWithVariablesFromTheChangesBefore() {
        ImageConfig.Container c = apply("ENV A=1 B=\"two words\" PATH=$PATH:/opt/bin", "ENV C ${A}-$B and more",
                "ENV D='$A' E=\\$A F=${MISSING:-fallback} G=${A:+set} H=${MISSING}", "LABEL x=$A \"y z\"=w");
        assertEquals(List.of("PATH=/usr/bin:/opt/bin", "HOME=/root", "A=1", "B=two words", "C=1-two words and more",
                "D=$A", "E=$A", "F=fallback", "G=set", "H="), c.env());
        assertEquals(Map.of("keep", "me", "x", "1", "y z", "w"), c.labels());
        assertEquals(List.of("PATH=/usr", "HOME=/root", "I=bin"), apply("ENV PATH=${PATH%/*} I=${PATH##*/}").env(),
                "the pattern forms of the Dockerfile reference");
    }

    @Test
    void exposeVolumeWorkdirUserAndStopsignal() {
        ImageConfig.Container c = apply("EXPOSE 80 443/TCP 53/udp 9000-9002/sctp", "VOLUME /data /logs",
                "VOLUME [\"/cache\"]", "WORKDIR sub/../app", "USER ${NOPE:-$HOME}", "STOPSIGNAL 9");
        assertEquals(List.of("22/tcp", "80/tcp", "443/tcp", "53/udp", "9000/sctp", "9001/sctp", "9002/sctp"),
                List.copyOf(c.exposedPorts().keySet()));
        assertEquals(List.of("/data", "/logs", "/cache"), List.copyOf(c.volumes().keySet()));
        assertEquals("/work/app", c.workingDir());
        assertEquals("/root", c.user());
        assertEquals("9", c.stopSignal());
        assertEquals("SIGRTMIN+3", apply("STOPSIGNAL SIGRTMIN+3").stopSignal());
        assertEquals("/abs", apply("WORKDIR /abs").workingDir());
    }

    @Test
    void healthcheckAndOnbuildGoWhereDockerPutsThem() {
        ImageConfig.Container c = apply("HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=1.5s"
                + " --start-interval=2s --retries=4 CMD [\"curl\", \"-f\", \"http://localhost\"]", "ONBUILD COPY . /app",
                "ONBUILD run make");
        assertEquals("{\"Test\":[\"CMD\",\"curl\",\"-f\",\"http://localhost\"],\"Interval\":90000000000,"
                + "\"Timeout\":500000000,\"StartPeriod\":1500000000,\"StartInterval\":2000000000,\"Retries\":4}",
                Json.write(c.otherFields().get("Healthcheck")));
        assertEquals("[\"COPY . /app\",\"run make\"]", Json.write(c.otherFields().get("OnBuild")));
        assertEquals("{\"Test\":[\"NONE\"]}", Json.write(apply("HEALTHCHECK NONE").otherFields().get("Healthcheck")));
    }

    @Test
    void noChangesKeepTheSettingsAsTheyAre() {
        assertEquals(BASE, ConfigEdits.apply(BASE, List.of()));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "RUN make => invalid change \"RUN make\": RUN is not an instruction docker commit takes (CMD, ENTRYPOINT, ENV,"
                    + " EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR)",
            "FROM alpine => invalid change \"FROM alpine\": FROM is not an instruction docker commit takes (CMD, ENTRYPOINT,"
                    + " ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR)",
            "CMD => invalid change \"CMD\": CMD needs arguments",
            "ENV A => invalid change \"ENV A\": ENV A has no value; write ENV NAME=VALUE",
            "ENV A=1 B => invalid change \"ENV A=1 B\": \"B\" is not NAME=VALUE",
            "LABEL =x => invalid change \"LABEL =x\": \"=x\" is not NAME=VALUE",
            "ENV A=\"open => invalid change \"ENV A=\"open\": unmatched \" in A=\"open",
            "HEALTHCHECK CMD => invalid change \"HEALTHCHECK CMD\": HEALTHCHECK CMD needs a command",
            "HEALTHCHECK --retries=2 NONE => invalid change \"HEALTHCHECK --retries=2 NONE\": HEALTHCHECK NONE takes no"
                    + " options or arguments",
            "HEALTHCHECK --every=5s CMD true => invalid change \"HEALTHCHECK --every=5s CMD true\": HEALTHCHECK has no option"
                    + " --every (it has --interval, --timeout, --start-period, --start-interval, --retries)",
            "HEALTHCHECK --timeout=10us CMD true => invalid change \"HEALTHCHECK --timeout=10us CMD true\": --timeout must be"
                    + " 0 or at least 1ms, not 10us",
            "HEALTHCHECK --retries=-1 CMD true => invalid change \"HEALTHCHECK --retries=-1 CMD true\": --retries takes a"
                    + " number of at least 0, not \"-1\"",
            "HEALTHCHECK true => invalid change \"HEALTHCHECK true\": HEALTHCHECK takes [OPTIONS] CMD command, or NONE",
            "ONBUILD ONBUILD RUN x => invalid change \"ONBUILD ONBUILD RUN x\": ONBUILD cannot trigger ONBUILD",
            "ONBUILD MAINTAINER me => invalid change \"ONBUILD MAINTAINER me\": MAINTAINER is not allowed as an ONBUILD"
                    + " trigger",
            "ONBUILD BOGUS x => invalid change \"ONBUILD BOGUS x\": BOGUS is not a Dockerfile instruction"})
    void whatDockerRefusesIsRefusedWhenTheChangeIsRead(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> ConfigChange.parse(text)).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
            "EXPOSE 80/icmp => invalid change \"EXPOSE 80/icmp\": \"80/icmp\": the protocol is tcp, udp or sctp",
            "EXPOSE 0 => invalid change \"EXPOSE 0\": \"0\" is not a port from 1 to 65535",
            "EXPOSE 90-80 => invalid change \"EXPOSE 90-80\": \"90-80\" is not a port from 1 to 65535",
            "EXPOSE $HOME => invalid change \"EXPOSE $HOME\": \"/root\" is not a port: PORT[-PORT][/tcp|udp|sctp]",
            "STOPSIGNAL SIGNOPE => invalid change \"STOPSIGNAL SIGNOPE\": \"SIGNOPE\" is not a signal (a name such as SIGTERM,"
                    + " or 1 to 64)",
            "STOPSIGNAL 65 => invalid change \"STOPSIGNAL 65\": \"65\" is not a signal (a name such as SIGTERM, or 1 to 64)",
            "VOLUME [\"\"] => invalid change \"VOLUME [\"\"]\": a volume is an empty path",
            "WORKDIR $NONE => invalid change \"WORKDIR $NONE\": the directory is empty",
            "ENV A=${NONE?required} => invalid change \"ENV A=${NONE?required}\": NONE: required",
            "ENV A=${NONE => invalid change \"ENV A=${NONE\": missing } in ${NONE",
            "ENV A=${NONE^x} => invalid change \"ENV A=${NONE^x}\": bad substitution ${NONE^x} in ${NONE^x}"})
    void valuesWrongOnceVariablesAreReplacedAreRefusedWhenApplied(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> apply(text)).getMessage());
    }

    @Test
    void aChangeIsOneLine() {
        assertEquals("invalid change \"ENV A=1\nENV B=2\": a change is one line",
                assertThrows(IllegalArgumentException.class, () -> ConfigChange.parse("ENV A=1\nENV B=2")).getMessage());
        assertEquals("invalid change: it is empty",
                assertThrows(IllegalArgumentException.class, () -> ConfigChange.parse("  ")).getMessage());
        assertEquals("LABEL a=b", ConfigChange.parse("  label\ta=b ").toString());
    }

    @Test
    void additionsSplitAtTheLastColon() {
        assertEquals(new CommitOptions.Addition(java.nio.file.Path.of("app"), "/"), CommitOptions.Addition.parse("app"));
        assertEquals(new CommitOptions.Addition(java.nio.file.Path.of("a:b"), "/opt/"),
                CommitOptions.Addition.parse("a:b:/opt/"));
        assertEquals("/", CommitOptions.Addition.parse("app:").destination());
        assertThrows(IllegalArgumentException.class, () -> CommitOptions.Addition.parse(":/x"));
    }
}
