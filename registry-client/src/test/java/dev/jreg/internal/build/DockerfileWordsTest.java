package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Dockerfile lexer word by word, in an environment of {@code PWD=/home}, {@code SHELL=bash}
 * and an empty {@code NULL}: quotes, escapes and every substitution of the Dockerfile reference's
 * "Environment replacement", and what BuildKit's lexer makes of the edge cases.
 */
class DockerfileWordsTest {
    private static final Map<String, String> ENV = Map.of("PWD", "/home", "SHELL", "bash", "NULL", "",
            "SPACE", "abc  def", "LEADING", "  ab c");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "hello              | hello",
            "he'll'o            | hello",
            "he\\'llo           | he'llo",
            "abc\\tdef          | abctdef",
            "\"abc\\tdef\"      | abc\\tdef",
            "\"abc\\\\tdef\"    | abc\\tdef",
            "'abc\\tdef'        | abc\\tdef",
            "hello\\            | hello",
            "hello\\\\          | hello\\",
            "\"hel'lo\"         | hel'lo",
            "'hello\\'          | hello\\",
            "\"''\"             | ''",
            "$.                 | $.",
            "he$1x              | hex",
            "he$.x              | he$.x",
            "he$pwd.            | he.",
            "he$PWD             | he/home",
            "he\\$PWD           | he$PWD",
            "he\\\\$PWD         | he\\/home",
            "\"he\\$PWD\"       | he$PWD",
            "\"he\\\\$PWD\"     | he\\/home",
            "\\${}              | ${}",
            "he${hi}xx          | hexx",
            "he${PWD}           | he/home",
            "he${XXX:-000}xx    | he000xx",
            "he${PWD:-000}xx    | he/homexx",
            "he${XXX:-$PWD}xx   | he/homexx",
            "he${XXX:-${PWD:-yyy}}xx | he/homexx",
            "he${XXX:-${YYY:-yyy}}xx | heyyyxx",
            "he${PWD?}          | he/home",
            "he${PWD:?}         | he/home",
            "he${NULL?}         | he",
            "he${XXX:+${PWD}}xx | hexx",
            "he${PWD:+${SHELL}}xx | hebashxx",
            "he${PWD:+000}xx    | he000xx",
            "'he${XX}'          | he${XX}",
            "\"he'$PWD'\"       | he'/home'",
            "'\"hello\"'        | \"hello\"",
            "he${PWD:+${PWD}:}xx | he/home:xx",
            "he${XXX:-\\$PWD:}xx | he$PWD:xx",
            "he${XXX:-\\${PWD}z}xx | he${PWDz}xx",
            "안'녕'하세요       | 안녕하세요",
            "${9:-bbb}          | bbb",
            "$999aaa            | aaa",
            "$@aaa              | aaa",
            "${#:-bbb}          | bbb",
            "$$                 | ~~",
            "${PWD#/h}          | ome",
            "${PWD##*o}         | me",
            "${PWD%o*}          | /h",
            "${PWD%%/*}         | ~~",
            "${PWD/o/0}         | /h0me",
            "${SHELL//[a]/x}    | bash",
            "${SHELL//?/x}      | xxxx",
            "${SHELL/\\//x}     | bash",
            "${XXX#x}           | ~~",
            "${PWD#\"/h\"}      | ome"})
    void wordsExpandAsBuildKitExpandsThem(String word, String expected) {
        assertEquals(expected, DockerfileWords.expand(word, '\\', ENV::get));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "he'llo             | unmatched ' in he'llo",
            "he\\\\'llo         | unmatched ' in he\\\\'llo",
            "\"hello            | unmatched \" in \"hello",
            "\"hello\\\"        | unmatched \" in \"hello\\\"",
            "${}                | bad substitution ${} in ${}",
            "he${.}             | bad substitution ${.} in he${.}",
            "he${XXX:YYY}       | bad substitution ${XXX:YYY} in he${XXX:YYY}",
            "he${XXX?}          | XXX: is not allowed to be unset",
            "he${XXX:?}         | XXX: is not allowed to be unset",
            "he${NULL:?}        | NULL: is not allowed to be empty",
            "he${NULL:?say so}  | NULL: say so",
            "he${PWD            | missing } in he${PWD",
            "he${PWD:=000}xx    | bad substitution ${PWD:=000} in he${PWD:=000}xx",
            "${PWD:#x}          | bad substitution ${PWD:#x} in ${PWD:#x}",
            "${PWD/x            | missing / in ${PWD/x"})
    void malformedWordsAreRefused(String word, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> DockerfileWords.expand(word, '\\', ENV::get)).getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "hello                 | hello",
            "hello${SPACE}bye      | helloabc,defbye",
            "hello\"${SPACE}\"bye  | helloabc  defbye",
            "hello \"${SPACE}\"bye | hello,abc  defbye",
            "hello${LEADING}def    | hello,ab,cdef",
            "hello\"${LEADING}\" def | hello  ab c,def",
            "hello there           | hello,there",
            "hello\\ there         | hello there",
            "hello\\\" there       | hello\",there",
            "hello'$there'         | hello$there",
            "\"\"                  | ~~"})
    void expandedTextSplitsIntoWordsWhereVariablesHoldWhiteSpace(String text, String words) {
        List<String> expected = words.isEmpty() ? List.of() : Arrays.asList(words.split(","));
        assertEquals(expected, DockerfileWords.expandWords(text, '\\', ENV::get));
    }

    @Test
    void theEscapeCharacterMayBeABacktick() {
        assertEquals("c:\\dir\\$PWD a", DockerfileWords.expand("c:\\dir\\`$PWD` a", '`', ENV::get));
        assertEquals("\"/home\"", DockerfileWords.expand("\"`\"$PWD`\"\"", '`', ENV::get));
        assertEquals(List.of("a` b", "c"), DockerfileWords.split("a` b c", '`', false));
        assertEquals(List.of("a`", "b", "c"), DockerfileWords.split("a` b c", '\\', false));
    }

    @Test
    void splittingKeepsQuotesAndEscapesForLater() {
        assertEquals(List.of("A=\"x y\"", "B=x\\ y", "C='$z'", "\"\""),
                DockerfileWords.split("  A=\"x y\"  B=x\\ y C='$z' \"\"  ", '\\', false));
        assertEquals(List.of("A=\"open"), DockerfileWords.split("A=\"open", '\\', false));
        assertEquals("unmatched \" in A=\"open", assertThrows(IllegalArgumentException.class,
                () -> DockerfileWords.split("A=\"open", '\\', true)).getMessage());
        assertEquals(List.of("end"), DockerfileWords.split("end\\", '\\', true));
    }

    @Test
    void hereDocumentsKeepQuotesAndExpandVariables() {
        assertEquals("echo \"hello /home\" '/home' $PWD\n",
                DockerfileWords.expandDocument("echo \"hello ${PWD}\" '$PWD' \\$PWD\n", ENV::get),
                "as in a shell's here-document, quotes in it do not keep variables");
        assertEquals("EOF", DockerfileWords.unquote("\"EOF\""));
        assertEquals("EOF", DockerfileWords.unquote("E'O'F"));
        assertTrue(DockerfileWords.quoted("\"EOF\""));
        assertTrue(DockerfileWords.quoted("E'O'F"));
        assertFalse(DockerfileWords.quoted("EOF"));
        assertFalse(DockerfileWords.quoted("\\\"EOF"), "an escaped quote is part of the name");
    }
}
