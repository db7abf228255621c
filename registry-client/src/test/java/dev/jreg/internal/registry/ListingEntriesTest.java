package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.error.InvalidContentException;
import dev.jreg.model.Reference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Entries of tag and catalog listings that are no names, as some registries send them. */
class ListingEntriesTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    final List<String> notices = new CopyOnWriteArrayList<>();
    final RegistryClient client = new RegistryClient(RegistryOptions.defaults(), notices::add);

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    String host() {
        return "127.0.0.1:" + registry.getPort();
    }

    @Test
    void nexusNullTagIsSkippedWithOneWarning() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"name\":\"demo/app\",\"tags\":[null,\"1\"]}")));

        assertEquals(List.of("1"), client.tags(Reference.parse(host() + "/demo/app")));
        assertEquals(List.of("warning: " + host() + "/demo/app: skipped 1 entry of \"tags\" that is not a name (null)"),
                notices);
    }

    @Test
    void everyKindOfJunkOverSeveralPagesGivesOneWarning() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson(
                "{\"name\":\"demo/app\",\"tags\":[42,\"a\",{\"name\":\"b\"},\"\"]}")
                .withHeader("Link", "</v2/demo/app/tags/list?last=a>; rel=\"next\"")));
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list?last=a")).willReturn(okJson(
                "{\"name\":\"demo/app\",\"tags\":[null,true,[\"c\"],\"d\",null]}")));

        assertEquals(List.of("a", "d"), client.tags(Reference.parse(host() + "/demo/app")));
        assertEquals(List.of("warning: " + host() + "/demo/app: skipped 7 entries of \"tags\" that are not names"
                + " (a JSON array, a JSON boolean, a JSON object, a number, an empty string, null)"), notices);
    }

    @Test
    void limitCountsNamesOnly() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list?n=2")).willReturn(okJson(
                "{\"tags\":[null,\"1\",null,\"2\",\"3\"]}")));

        assertEquals(List.of("1", "2"), client.tags(Reference.parse(host() + "/demo/app"), 2));
        assertEquals(1, notices.size(), notices::toString);
    }

    @Test
    void catalogRepositoriesAreCleanedTheSameWay() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/_catalog")).willReturn(okJson("{\"repositories\":[null,\"demo/app\",\"\",7]}")));

        assertEquals(List.of("demo/app"), client.catalog(host(), 0));
        assertEquals(List.of("warning: " + host() + ": skipped 3 entries of \"repositories\" that are not names"
                + " (a number, an empty string, null)"), notices);
    }

    @Test
    void nullOrMissingListsAreEmptyWithoutWarning() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"name\":\"demo/app\",\"tags\":null}")));
        registry.stubFor(get(urlEqualTo("/v2/_catalog")).willReturn(okJson("{}")));

        assertEquals(List.of(), client.tags(Reference.parse(host() + "/demo/app")));
        assertEquals(List.of(), client.catalog(host(), 0));
        assertEquals(List.of(), notices);
    }

    @Test
    void aListThatIsNoArrayIsStillRefused() {
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(okJson("{\"name\":\"demo/app\",\"tags\":\"1\"}")));

        assertThrows(InvalidContentException.class, () -> client.tags(Reference.parse(host() + "/demo/app")));
    }
}
