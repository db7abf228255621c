package dev.jreg.internal.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.jreg.RegistryOptions;
import dev.jreg.error.InvalidContentException;
import dev.jreg.error.NotFoundException;
import dev.jreg.error.UnauthorizedException;
import dev.jreg.model.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tag and catalog pagination as different registries do it. */
class TagsPagingTest {
    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    final RegistryClient client = new RegistryClient(RegistryOptions.defaults());

    @BeforeEach
    void ping() {
        registry.stubFor(get("/v2/").willReturn(okJson("{}")));
    }

    Reference demo() {
        return Reference.parse("127.0.0.1:" + registry.getPort() + "/demo/app");
    }

    Reference repo() {
        return Reference.parse("127.0.0.1:" + registry.getPort() + "/app");
    }

    static String page(List<String> tags) {
        return "{\"name\":\"app\",\"tags\":[" + tags.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(",")) + "]}";
    }

    @Test
    void followsRelativeAndAbsoluteLinks() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list")).willReturn(okJson(page(List.of("a", "b")))
                .withHeader("Link", "</v2/app/tags/list?last=b&n=2>; rel=\"next\"")));
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list?last=b&n=2")).willReturn(okJson(page(List.of("c", "d")))
                .withHeader("Link", "<http://127.0.0.1:" + registry.getPort() + "/v2/app/tags/list?last=d&n=2>; rel=\"next\"")));
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list?last=d&n=2")).willReturn(okJson(page(List.of("e")))));

        assertEquals(List.of("a", "b", "c", "d", "e"), client.tags(repo()));
    }

    @Test
    void pagesOfFiftyAreAllRead() throws Exception {
        List<String> all = IntStream.range(0, 120).mapToObj(i -> String.format("v%03d", i)).toList();
        for (int start = 0; start < all.size(); start += 50) {
            List<String> chunk = all.subList(start, Math.min(start + 50, all.size()));
            String url = start == 0 ? "/v2/app/tags/list" : "/v2/app/tags/list?last=" + all.get(start - 1) + "&n=50";
            var response = okJson(page(chunk));
            if (start + 50 < all.size()) {
                response.withHeader("Link", "</v2/app/tags/list?last=" + chunk.get(chunk.size() - 1) + "&n=50>; rel=\"next\"");
            }
            registry.stubFor(get(urlEqualTo(url)).willReturn(response));
        }
        assertEquals(all, client.tags(repo()));
    }

    @Test
    void quayStyleOpaqueNextPageTokens() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list")).willReturn(okJson(page(List.of("1", "2")))
                .withHeader("Link", "</v2/app/tags/list?n=50&next_page=gAAAAABk-opaque_TOKEN%3D%3D>; rel=\"next\"")));
        registry.stubFor(get(urlPathEqualTo("/v2/app/tags/list")).withQueryParam("next_page", equalTo("gAAAAABk-opaque_TOKEN=="))
                .willReturn(okJson(page(List.of("3")))));
        assertEquals(List.of("1", "2", "3"), client.tags(repo()));
    }

    @Test
    void pageSizeIsNeverAskedAboveAThousand() throws Exception {
        registry.stubFor(get(urlPathEqualTo("/v2/app/tags/list")).withQueryParam("n", matching("[0-9]{4,}"))
                .willReturn(aResponse().withStatus(400).withBody("{\"errors\":[{\"code\":\"PAGINATION_NUMBER_INVALID\"}]}")));
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list?n=1000")).willReturn(okJson(page(List.of("x", "y")))));
        assertEquals(List.of("x", "y"), client.tags(repo(), 5000));
    }

    @Test
    void withoutALimitNoPageSizeIsSent() throws Exception {
        registry.stubFor(get(urlPathEqualTo("/v2/app/tags/list")).willReturn(okJson(page(List.of("x")))));
        client.tags(repo());
        registry.verify(getRequestedFor(urlPathEqualTo("/v2/app/tags/list")).withQueryParam("n", absent()));
    }

    @Test
    void limitStopsBeforeTheNextPage() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list?n=3")).willReturn(okJson(page(List.of("a", "b")))
                .withHeader("Link", "</v2/app/tags/list?last=b&n=3>; rel=\"next\"")));
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list?last=b&n=3")).willReturn(okJson(page(List.of("c", "d", "e")))
                .withHeader("Link", "</v2/app/tags/list?last=e&n=3>; rel=\"next\"")));
        assertEquals(List.of("a", "b", "c"), client.tags(repo(), 3));
        registry.verify(0, getRequestedFor(urlEqualTo("/v2/app/tags/list?last=e&n=3")));
    }

    /** Links that are not {@code next} end the listing. */
    @Test
    void linksThatAreNotNextEndTheListing() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list")).willReturn(okJson(page(List.of("a")))
                .withHeader("Link", "</v2/app/tags/list?last=a>; rel=\"prev first\"")));
        assertEquals(List.of("a"), client.tags(repo()));
    }

    /**
     * A next link back to a page already read (itself, an empty target, a fragment of it, or a
     * loop of two pages) would repeat tags or end the list without a word: it is an error.
     */
    @ParameterizedTest
    @ValueSource(strings = {"</v2/app/tags/list>; rel=next", "<>; rel=next", "<#x>; rel=next"})
    void aNextLinkToTheSamePageIsAnError(String link) {
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list")).willReturn(okJson(page(List.of("a"))).withHeader("Link", link)));
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> client.tags(repo()));
        assertTrue(e.getMessage().contains("leads back to a page already read"), e.getMessage());
    }

    @Test
    void aLoopOfTwoPagesIsAnError() {
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list")).willReturn(okJson(page(List.of("a", "b")))
                .withHeader("Link", "</v2/app/tags/list?last=b>; rel=next")));
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list?last=b")).willReturn(okJson(page(List.of("c")))
                .withHeader("Link", "</v2/app/tags/list>; rel=next")));
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> client.tags(repo()));
        assertTrue(e.getMessage().contains("leads back to a page already read"), e.getMessage());
    }

    /** The registry's credentials go with the next request: a link to another origin is refused. */
    @ParameterizedTest
    @ValueSource(strings = {"<http://127.0.0.2:%d/v2/app/tags/list?last=a>; rel=next",
        "<https://127.0.0.1:%d/v2/app/tags/list?last=a>; rel=next", "<http://localhost:%d/v2/app/tags/list?last=a>; rel=next",
        "<http://127.0.0.1:1/v2/app/tags/list?last=a>; rel=next"})
    void aNextLinkToAnotherOriginIsRefused(String link) {
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list")).willReturn(okJson(page(List.of("a")))
                .withHeader("Link", String.format(link, registry.getPort()))));
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> client.tags(repo()));
        assertTrue(e.getMessage().contains("leads to another origin"), e.getMessage());
        assertEquals(1, registry.getAllServeEvents().stream().filter(event -> event.getRequest().getUrl().contains("tags")).count());
    }

    @Test
    void emptyAndNullTagListsAreEmpty() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/app/tags/list")).willReturn(okJson("{\"name\":\"app\",\"tags\":null}")));
        assertEquals(new ArrayList<>(), client.tags(repo()));
    }

    @Test
    void catalogFollowsLinksAndExplainsRefusals() throws Exception {
        registry.stubFor(get(urlEqualTo("/v2/_catalog")).willReturn(okJson("{\"repositories\":[\"a/b\"]}")
                .withHeader("Link", "</v2/_catalog?last=a%2Fb&n=1>; rel=\"next\"")));
        registry.stubFor(get(urlEqualTo("/v2/_catalog?last=a%2Fb&n=1")).willReturn(okJson("{\"repositories\":[\"c\"]}")));
        assertEquals(List.of("a/b", "c"), client.catalog("127.0.0.1:" + registry.getPort(), 0));

        registry.stubFor(get(urlEqualTo("/v2/_catalog")).willReturn(aResponse().withStatus(403)));
        UnauthorizedException denied = assertThrows(UnauthorizedException.class,
                () -> client.catalog("127.0.0.1:" + registry.getPort(), 0));
        assertTrue(denied.getMessage().contains("does not let this user list its catalog"), denied.getMessage());
        registry.stubFor(get(urlEqualTo("/v2/_catalog")).willReturn(aResponse().withStatus(404)));
        NotFoundException missing = assertThrows(NotFoundException.class,
                () -> new RegistryClient(RegistryOptions.defaults()).catalog("127.0.0.1:" + registry.getPort(), 0));
        assertTrue(missing.getMessage().contains("does not offer a catalog"), missing.getMessage());
    }

    /** Page one of demo/app, a and b, with these Link headers; page two, c, at any {@code ?last=b}. */
    void demoPages(String... links) {
        var first = okJson(page(List.of("a", "b")));
        for (String link : links) {
            first.withHeader("Link", link.replace("PORT", Integer.toString(registry.getPort())));
        }
        registry.stubFor(get(urlEqualTo("/v2/demo/app/tags/list")).willReturn(first));
        registry.stubFor(get(urlPathEqualTo("/v2/demo/app/tags/list")).withQueryParam("last", equalTo("b"))
                .willReturn(okJson(page(List.of("c")))));
    }

    @Test
    void anUnquotedRelIsFollowed() throws Exception {
        demoPages("</v2/demo/app/tags/list?n=2&last=b>; rel=next");
        assertEquals(List.of("a", "b", "c"), client.tags(demo()));
        registry.verify(getRequestedFor(urlEqualTo("/v2/demo/app/tags/list?n=2&last=b")));
    }

    /** Links as RFC 8288 allows and registries send them: the second page is always asked for. */
    @ParameterizedTest
    @ValueSource(strings = {
        "</v2/demo/app/tags/list?n=2&last=a>; rel=\"prev\", </v2/demo/app/tags/list?n=2&last=b>; rel=\"next\"",
        "</v2/demo/app/tags/list?n=2&last=b>;REL=Next",
        "  </v2/demo/app/tags/list?n=2&last=b>  ;  title = \"page, then; more\" ; rel = \"next\"  ",
        "</v2/demo/app/tags/list?n=2&last=b>; title=x; rel=\"last next\"; rel=prev",
        "<http://127.0.0.1:PORT/v2/demo/app/tags/list?n=2&last=b>; rel=next",
        "<list?n=2&last=b>; rel=\"next\"",
        ", </v2/demo/app/tags/list?n=2&last=b>; rel=next,",
        "</v2/demo/app/tags/list?n=2&last=b&after=x,y>; anchor; rel=next"})
    void linksInEveryShapeAreFollowed(String link) throws Exception {
        demoPages(link);
        assertEquals(List.of("a", "b", "c"), client.tags(demo()));
    }

    @Test
    void linksInSeveralHeadersAreRead() throws Exception {
        demoPages("</v2/demo/app/tags/list?n=2&last=a>; rel=prev", "</v2/demo/app/tags/list?n=2&last=b>; rel=next");
        assertEquals(List.of("a", "b", "c"), client.tags(demo()));
    }

    /** A list must not end early without a word when its Link header cannot be read. */
    @ParameterizedTest
    @ValueSource(strings = {
        "/v2/demo/app/tags/list?n=2&last=b; rel=next",
        "</v2/demo/app/tags/list?n=2&last=b; rel=next",
        "</v2/demo/app/tags/list?n=2&last=b> rel=next",
        "</v2/demo/app/tags/list?n=2&last=b>; =next",
        "<ftp://127.0.0.1/v2/demo/app/tags/list?n=2&last=b>; rel=next"})
    void anUnreadableLinkHeaderIsAnError(String link) {
        demoPages(link);
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> client.tags(demo()));
        assertTrue(e.getMessage().startsWith("tags of 127.0.0.1:" + registry.getPort() + "/demo/app: the registry's"),
                e.getMessage());
    }

    /** A catalog page naming one repository, with a Link header or none (null). */
    void catalogPage(String url, String repository, String link) {
        var answer = okJson("{\"repositories\":[\"" + repository + "\"]}");
        registry.stubFor(get(urlEqualTo(url)).willReturn(link == null ? answer : answer.withHeader("Link", link)));
    }

    @Test
    void catalogFollowsAnUnquotedRelToo() throws Exception {
        catalogPage("/v2/_catalog", "demo/app", "</v2/_catalog?n=1&last=demo%2Fapp>; rel=next");
        catalogPage("/v2/_catalog?n=1&last=demo%2Fapp", "z", null);
        assertEquals(List.of("demo/app", "z"), client.catalog("127.0.0.1:" + registry.getPort(), 0));

        catalogPage("/v2/_catalog", "demo/app", "/v2/_catalog?n=1&last=demo%2Fapp; rel=next");
        assertThrows(InvalidContentException.class,
                () -> new RegistryClient(RegistryOptions.defaults()).catalog("127.0.0.1:" + registry.getPort(), 0));
    }
}
