package dev.jreg.internal.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jreg.error.DockerfileException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dockerfiles from the examples of Docker's Dockerfile reference (its sections named in each
 * row), parsed and expanded as a build expands them ({@link DockerfileDump}), against what the
 * reference says they give; then malformed ones, each refused with Docker's reason on the line
 * it names.
 */
class DockerfileParserTest {
    private static final Map<String, String> NO_ARGS = Map.of();

    private static Arguments row(String title, String dockerfile, String expected) {
        return row(title, dockerfile, NO_ARGS, expected);
    }

    private static Arguments row(String title, String dockerfile, Map<String, String> buildArgs, String expected) {
        return Arguments.of(title, dockerfile, buildArgs, expected);
    }

    static Stream<Arguments> documentedExamples() {
        return Stream.of(
                row("Format: # inside an argument is no comment", """
                        FROM busybox
                        # Comment
                        RUN echo 'we are running some # of cool things'
                        """, """
                        1 FROM image=«busybox»
                        3 RUN command=shell «echo 'we are running some # of cool things'»"""),
                row("Format: a comment inside a continuation is removed", """
                        FROM busybox
                        RUN echo hello \\
                        # comment
                        world
                        """, """
                        1 FROM image=«busybox»
                        2-4 RUN command=shell «echo hello world»"""),
                row("Format: leading white space before comments and instructions is ignored", """
                                # this is a comment-line
                            FROM busybox
                            RUN echo hello
                        RUN echo world
                        """, """
                        2 FROM image=«busybox»
                        3 RUN command=shell «echo hello»
                        4 RUN command=shell «echo world»"""),
                row("Format: white space in arguments is kept", """
                        FROM busybox
                        RUN echo "\\
                             hello\\
                             world"
                        """, """
                        1 FROM image=«busybox»
                        2-4 RUN command=shell «echo "     hello     world"»"""),
                row("Parser directives: after an instruction, a directive is a comment", """
                        FROM ImageName
                        # escape=`
                        RUN echo a\\
                        b
                        """, """
                        1 FROM image=«ImageName»
                        3-4 RUN command=shell «echo ab»"""),
                row("Parser directives: after a comment, a directive is a comment", """
                        # About my dockerfile
                        # escape=`
                        FROM ImageName
                        ENV A=x\\ y B=x`y
                        """, """
                        3 FROM image=«ImageName»
                        4 ENV variables=[«A»=«x y», «B»=«x`y»]"""),
                row("Parser directives: unknown ones are comments, and so is what follows them", """
                        # unknowndirective=value
                        # syntax=value
                        FROM busybox
                        """, """
                        3 FROM image=«busybox»"""),
                row("Parser directives: blanks around key and value, key in any case", """
                        #\t  eScApE = `
                        FROM busybox
                        RUN echo a`
                          b
                        """, """
                        2 FROM image=«busybox»
                        3-4 RUN command=shell «echo a  b»"""),
                row("syntax: ignored, with a note", """
                        # syntax=docker/dockerfile:1
                        FROM busybox
                        """, """
                        2 FROM image=«busybox»
                        Dockerfile:1: syntax docker/dockerfile:1 ignored: jreg has its own Dockerfile frontend"""),
                row("check: ignored", """
                        # check=skip=JSONArgsRecommended;error=true
                        FROM busybox
                        """, """
                        2 FROM image=«busybox»"""),
                row("escape: the default \\ on Windows paths (BuildKit: an escaped escape ends no line)", """
                        FROM microsoft/nanoserver
                        COPY testfile.txt c:\\\\
                        RUN dir c:\\
                        """, """
                        1 FROM image=«microsoft/nanoserver»
                        2 COPY sources=[«testfile.txt»] destination=«c:\\»
                        3 RUN command=shell «dir c:»"""),
                row("escape: ` for Windows paths", """
                        # escape=`

                        FROM microsoft/nanoserver
                        COPY testfile.txt c:\\
                        RUN dir c:\\
                        """, """
                        3 FROM image=«microsoft/nanoserver»
                        4 COPY sources=[«testfile.txt»] destination=«c:\\»
                        5 RUN command=shell «dir c:\\»"""),
                row("Environment replacement: the reference's example", """
                        FROM busybox
                        ENV FOO=/bar
                        WORKDIR ${FOO}
                        ADD . $FOO
                        COPY \\$FOO /quux
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«FOO»=«/bar»]
                        3 WORKDIR path=«/bar»
                        4 ADD sources=[«.»] destination=«/bar»
                        5 COPY sources=[«$FOO»] destination=«/quux»"""),
                row("Environment replacement: one value for a variable throughout an instruction", """
                        FROM busybox
                        ENV abc=hello
                        ENV abc=bye def=$abc
                        ENV ghi=$abc
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«abc»=«hello»]
                        3 ENV variables=[«abc»=«bye», «def»=«hello»]
                        4 ENV variables=[«ghi»=«bye»]"""),
                row("Environment replacement: ${variable:-word} and ${variable-word}", """
                        FROM busybox
                        ENV set=value empty=
                        LABEL a=${set:-word} b=${empty:-word} c=${unset:-word}
                        LABEL a=${set-word} b=${empty-word} c=${unset-word}
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«set»=«value», «empty»=«»]
                        3 LABEL labels=[«a»=«value», «b»=«word», «c»=«word»]
                        4 LABEL labels=[«a»=«value», «b»=«», «c»=«word»]"""),
                row("Environment replacement: ${variable:+word} and ${variable+word}", """
                        FROM busybox
                        ENV set=value empty=
                        LABEL a=${set:+word} b=${empty:+word} c=${unset:+word}
                        LABEL a=${set+word} b=${empty+word} c=${unset+word}
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«set»=«value», «empty»=«»]
                        3 LABEL labels=[«a»=«word», «b»=«», «c»=«»]
                        4 LABEL labels=[«a»=«word», «b»=«word», «c»=«»]"""),
                row("Environment replacement: word can hold variables", """
                        FROM busybox
                        ENV base=/opt
                        WORKDIR ${APP_HOME:-$base/app}
                        USER ${U:-${V:-nobody}}
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«base»=«/opt»]
                        3 WORKDIR path=«/opt/app»
                        4 USER user=«nobody»"""),
                row("Environment replacement: ${variable#pattern} and ${variable##pattern}", """
                        FROM busybox
                        ENV str=foobarbaz
                        LABEL short=${str#f*b} long=${str##f*b}
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«str»=«foobarbaz»]
                        3 LABEL labels=[«short»=«arbaz», «long»=«az»]"""),
                row("Environment replacement: ${variable%pattern} and ${variable%%pattern}", """
                        FROM busybox
                        ENV string=foobarbaz
                        LABEL short=${string%b*} long=${string%%b*}
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«string»=«foobarbaz»]
                        3 LABEL labels=[«short»=«foobar», «long»=«foo»]"""),
                row("Environment replacement: ${variable/pattern/replacement} and ${variable//pattern/replacement}", """
                        FROM busybox
                        ENV string=foobarbaz
                        LABEL first=${string/ba/fo} all=${string//ba/fo}
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«string»=«foobarbaz»]
                        3 LABEL labels=[«first»=«fooforbaz», «all»=«fooforfoz»]"""),
                row("Environment replacement: \\ before * and ? makes them literal in a pattern", """
                        FROM busybox
                        ENV glob=a*b?c
                        LABEL x=${glob#a\\*} y=${glob%\\?c}
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«glob»=«a*b?c»]
                        3 LABEL labels=[«x»=«b?c», «y»=«a*b»]"""),
                row("Environment replacement: \\$foo and \\${foo} are literals", """
                        FROM busybox
                        ENV foo=bar
                        LABEL a=\\$foo b=\\${foo} c=$foo
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«foo»=«bar»]
                        3 LABEL labels=[«a»=«$foo», «b»=«${foo}», «c»=«bar»]"""),
                row("LABEL: single quotes take the string as is, double quotes expand", """
                        FROM busybox
                        ENV ENV_VAR=bar
                        LABEL single='foo-$ENV_VAR' double="foo-$ENV_VAR"
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«ENV_VAR»=«bar»]
                        3 LABEL labels=[«single»=«foo-$ENV_VAR», «double»=«foo-bar»]"""),
                row("Exec form: JSON with double quotes, no variables replaced", """
                        FROM busybox
                        ENTRYPOINT ["/bin/bash", "-c", "echo hello"]
                        RUN [ "echo", "$HOME" ]
                        RUN [ "sh", "-c", "echo $HOME" ]
                        """, """
                        1 FROM image=«busybox»
                        2 ENTRYPOINT command=exec [«/bin/bash», «-c», «echo hello»]
                        3 RUN command=exec [«echo», «$HOME»]
                        4 RUN command=exec [«sh», «-c», «echo $HOME»]"""),
                row("Exec form: backslashes not escaped are no JSON, so the shell form", """
                        FROM microsoft/nanoserver
                        RUN ["c:\\windows\\system32\\tasklist.exe"]
                        RUN ["c:\\\\windows\\\\system32\\\\tasklist.exe"]
                        """, """
                        1 FROM image=«microsoft/nanoserver»
                        2 RUN command=shell «["c:\\windows\\system32\\tasklist.exe"]»
                        3 RUN command=exec [«c:\\windows\\system32\\tasklist.exe»]"""),
                row("Exec form: single quotes are no JSON either", """
                        FROM busybox
                        CMD ['echo', 'hi']
                        """, """
                        1 FROM image=«busybox»
                        2 CMD command=shell «['echo', 'hi']»"""),
                row("Shell form: a continuation joins the lines", """
                        FROM busybox
                        RUN source $HOME/.bashrc && \\
                        echo $HOME
                        """, """
                        1 FROM image=«busybox»
                        2-3 RUN command=shell «source $HOME/.bashrc && echo $HOME»"""),
                row("Shell form: a here-document", """
                        FROM busybox
                        RUN <<EOF
                          source $HOME/.bashrc
                          echo $HOME
                        EOF
                        """, """
                        1 FROM image=«busybox»
                        2-5 RUN command=shell «<<EOF» heredocs=[<<EOF «  source $HOME/.bashrc⏎  echo $HOME⏎»]"""),
                row("SHELL: a different shell", """
                        FROM busybox
                        SHELL ["/bin/bash", "-c"]
                        RUN echo hello
                        """, """
                        1 FROM image=«busybox»
                        2 SHELL shell=[«/bin/bash», «-c»]
                        3 RUN command=shell «echo hello»"""),
                row("FROM: stages named, one the base of others", """
                        FROM ubuntu AS base
                        RUN apt-get update && apt-get install -y shared-tooling

                        FROM base AS dev
                        RUN apt-get install -y dev-tooling

                        FROM base AS prod
                        COPY --from=build /app /app
                        """, """
                        1 FROM image=«ubuntu» name=«base»
                        2 RUN command=shell «apt-get update && apt-get install -y shared-tooling»
                        4 FROM image=«base» name=«dev»
                        5 RUN command=shell «apt-get install -y dev-tooling»
                        7 FROM image=«base» name=«prod»
                        8 COPY sources=[«/app»] destination=«/app» from=«build»"""),
                row("ARG and FROM: a global ARG in FROM lines", """
                        ARG  CODE_VERSION=latest
                        FROM base:${CODE_VERSION}
                        CMD  /code/run-app

                        FROM extras:${CODE_VERSION}
                        CMD  /code/run-extras
                        """, """
                        1 ARG CODE_VERSION=«latest» → «latest»
                        2 FROM image=«base:latest»
                        3 CMD command=shell «/code/run-app»
                        5 FROM image=«extras:latest»
                        6 CMD command=shell «/code/run-extras»"""),
                row("ARG and FROM: the user's value of a global ARG", """
                        ARG  CODE_VERSION=latest
                        FROM base:${CODE_VERSION}
                        """, Map.of("CODE_VERSION", "1.2"), """
                        1 ARG CODE_VERSION=«latest» → «1.2»
                        2 FROM image=«base:1.2»"""),
                row("ARG and FROM: redeclared without a value, a global ARG keeps its value in the stage", """
                        ARG VERSION=latest
                        FROM busybox:$VERSION
                        ARG VERSION
                        RUN echo $VERSION > image_version
                        """, """
                        1 ARG VERSION=«latest» → «latest»
                        2 FROM image=«busybox:latest»
                        3 ARG VERSION → «latest»
                        4 RUN command=shell «echo $VERSION > image_version»"""),
                row("ARG and FROM: not redeclared, a global ARG is unset in the stage", """
                        ARG VERSION=latest
                        FROM busybox:$VERSION
                        LABEL version=$VERSION
                        """, """
                        1 ARG VERSION=«latest» → «latest»
                        2 FROM image=«busybox:latest»
                        3 LABEL labels=[«version»=«»]"""),
                row("FROM --platform with the automatic platform ARGs", """
                        FROM --platform=$BUILDPLATFORM golang AS build
                        ARG TARGETOS TARGETARCH TARGETVARIANT
                        FROM --platform=$TARGETPLATFORM alpine
                        """, """
                        1 FROM image=«golang» platform=«linux/amd64» name=«build»
                        2 ARG TARGETOS → «linux», TARGETARCH → «arm», TARGETVARIANT → «v7»
                        3 FROM image=«alpine» platform=«linux/arm/v7»"""),
                row("RUN: a here-document of commands", """
                        FROM debian
                        RUN <<EOF
                        apt-get update
                        apt-get install -y curl
                        EOF
                        """, """
                        1 FROM image=«debian»
                        2-5 RUN command=shell «<<EOF» heredocs=[<<EOF «apt-get update⏎apt-get install -y curl⏎»]"""),
                row("RUN --mount=type=cache: Go packages", """
                        # syntax=docker/dockerfile:1
                        FROM golang
                        RUN --mount=type=cache,target=/root/.cache/go-build \\
                          go build ...
                        """, """
                        2 FROM image=«golang»
                        3-4 RUN command=shell «go build ...» mounts=[«type=cache,target=/root/.cache/go-build»]
                        Dockerfile:1: syntax docker/dockerfile:1 ignored: jreg has its own Dockerfile frontend"""),
                row("RUN --mount=type=cache: apt packages, two mounts", """
                        FROM ubuntu
                        RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
                        RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
                          --mount=type=cache,target=/var/lib/apt,sharing=locked \\
                          apt-get update && apt-get --no-install-recommends install -y gcc
                        """, """
                        1 FROM image=«ubuntu»
                        2 RUN command=shell «rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache»
                        3-5 RUN command=shell «apt-get update && apt-get --no-install-recommends install -y gcc» mounts=[«type=cache,target=/var/cache/apt,sharing=locked», «type=cache,target=/var/lib/apt,sharing=locked»]"""),
                row("RUN --mount=type=secret: as a file, and as an environment variable", """
                        FROM python:3
                        RUN pip install awscli
                        RUN --mount=type=secret,id=aws,target=/root/.aws/credentials \\
                          aws s3 cp s3://... ...
                        RUN --mount=type=secret,id=API_KEY,env=API_KEY \\
                            some-command --token-from-env $API_KEY
                        """, """
                        1 FROM image=«python:3»
                        2 RUN command=shell «pip install awscli»
                        3-4 RUN command=shell «aws s3 cp s3://... ...» mounts=[«type=secret,id=aws,target=/root/.aws/credentials»]
                        5-6 RUN command=shell «some-command --token-from-env $API_KEY» mounts=[«type=secret,id=API_KEY,env=API_KEY»]"""),
                row("RUN --mount=type=ssh", """
                        FROM alpine
                        RUN apk add --no-cache openssh-client
                        RUN mkdir -p -m 0700 ~/.ssh && ssh-keyscan gitlab.com >> ~/.ssh/known_hosts
                        RUN --mount=type=ssh \\
                          ssh -q -T git@gitlab.com 2>&1 | tee /hello
                        """, """
                        1 FROM image=«alpine»
                        2 RUN command=shell «apk add --no-cache openssh-client»
                        3 RUN command=shell «mkdir -p -m 0700 ~/.ssh && ssh-keyscan gitlab.com >> ~/.ssh/known_hosts»
                        4-5 RUN command=shell «ssh -q -T git@gitlab.com 2>&1 | tee /hello» mounts=[«type=ssh»]"""),
                row("RUN --network=none", """
                        FROM python:3.6
                        ADD mypackage.tgz wheels/
                        RUN --network=none pip install --find-links wheels mypackage
                        """, """
                        1 FROM image=«python:3.6»
                        2 ADD sources=[«mypackage.tgz»] destination=«wheels/»
                        3 RUN command=shell «pip install --find-links wheels mypackage» network=«none»"""),
                row("RUN --security=insecure", """
                        FROM ubuntu
                        RUN --security=insecure cat /proc/self/status | grep CapEff
                        """, """
                        1 FROM image=«ubuntu»
                        2 RUN command=shell «cat /proc/self/status | grep CapEff» security=«insecure»"""),
                row("RUN --mount options take variables", """
                        FROM golang
                        ARG CACHE=/root/.cache
                        RUN --mount=type=cache,target=$CACHE go build
                        """, """
                        1 FROM image=«golang»
                        2 ARG CACHE=«/root/.cache» → «/root/.cache»
                        3 RUN command=shell «go build» mounts=[«type=cache,target=/root/.cache»]"""),
                row("CMD: its three forms", """
                        FROM busybox
                        CMD ["executable","param1","param2"]
                        CMD ["param1","param2"]
                        CMD command param1 param2
                        """, """
                        1 FROM image=«busybox»
                        2 CMD command=exec [«executable», «param1», «param2»]
                        3 CMD command=exec [«param1», «param2»]
                        4 CMD command=shell «command param1 param2»"""),
                row("LABEL: quotes, a continuation in a value", """
                        FROM busybox
                        LABEL "com.example.vendor"="ACME Incorporated"
                        LABEL com.example.label-with-value="foo"
                        LABEL version="1.0"
                        LABEL description="This text illustrates \\
                        that label-values can span multiple lines."
                        """, """
                        1 FROM image=«busybox»
                        2 LABEL labels=[«com.example.vendor»=«ACME Incorporated»]
                        3 LABEL labels=[«com.example.label-with-value»=«foo»]
                        4 LABEL labels=[«version»=«1.0»]
                        5-6 LABEL labels=[«description»=«This text illustrates that label-values can span multiple lines.»]"""),
                row("LABEL: several labels on one line", """
                        FROM busybox
                        LABEL multi.label1="value1" multi.label2="value2" other="value3"
                        """, """
                        1 FROM image=«busybox»
                        2 LABEL labels=[«multi.label1»=«value1», «multi.label2»=«value2», «other»=«value3»]"""),
                row("LABEL: several labels over several lines", """
                        FROM busybox
                        LABEL multi.label1="value1" \\
                              multi.label2="value2" \\
                              other="value3"
                        """, """
                        1 FROM image=«busybox»
                        2-4 LABEL labels=[«multi.label1»=«value1», «multi.label2»=«value2», «other»=«value3»]"""),
                row("MAINTAINER, and the label that replaces it", """
                        FROM busybox
                        MAINTAINER SvenDowideit@home.org.au
                        LABEL org.opencontainers.image.authors="SvenDowideit@home.org.au"
                        """, """
                        1 FROM image=«busybox»
                        2 MAINTAINER name=«SvenDowideit@home.org.au»
                        3 LABEL labels=[«org.opencontainers.image.authors»=«SvenDowideit@home.org.au»]"""),
                row("EXPOSE: protocols, several ports", """
                        FROM busybox
                        EXPOSE 80/udp
                        EXPOSE 80/tcp
                        EXPOSE 80 443
                        """, """
                        1 FROM image=«busybox»
                        2 EXPOSE ports=[«80/udp»]
                        3 EXPOSE ports=[«80/tcp»]
                        4 EXPOSE ports=[«80», «443»]"""),
                row("EXPOSE: a variable holding several ports gives several", """
                        FROM busybox
                        ENV PORTS="80 443/tcp"
                        EXPOSE $PORTS 8080
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«PORTS»=«80 443/tcp»]
                        3 EXPOSE ports=[«80», «443/tcp», «8080»]"""),
                row("ENV: quotes and escaped blanks", """
                        FROM busybox
                        ENV MY_NAME="John Doe"
                        ENV MY_DOG=Rex\\ The\\ Dog
                        ENV MY_CAT=fluffy
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«MY_NAME»=«John Doe»]
                        3 ENV variables=[«MY_DOG»=«Rex The Dog»]
                        4 ENV variables=[«MY_CAT»=«fluffy»]"""),
                row("ENV: several variables over a continuation", """
                        FROM busybox
                        ENV MY_NAME="John Doe" MY_DOG=Rex\\ The\\ Dog \\
                            MY_CAT=fluffy
                        """, """
                        1 FROM image=«busybox»
                        2-3 ENV variables=[«MY_NAME»=«John Doe», «MY_DOG»=«Rex The Dog», «MY_CAT»=«fluffy»]"""),
                row("ENV: the alternative syntax ENV key value", """
                        FROM busybox
                        ENV MY_VAR my-value
                        ENV ONE TWO= THREE=world
                        """, """
                        1 FROM image=«busybox»
                        2 ENV variables=[«MY_VAR»=«my-value»]
                        3 ENV variables=[«ONE»=«TWO= THREE=world»]"""),
                row("ENV: a variable for one command instead, or an ARG", """
                        FROM ubuntu
                        RUN DEBIAN_FRONTEND=noninteractive apt-get update && apt-get install -y ...
                        ARG DEBIAN_FRONTEND=noninteractive
                        RUN apt-get update && apt-get install -y ...
                        """, """
                        1 FROM image=«ubuntu»
                        2 RUN command=shell «DEBIAN_FRONTEND=noninteractive apt-get update && apt-get install -y ...»
                        3 ARG DEBIAN_FRONTEND=«noninteractive» → «noninteractive»
                        4 RUN command=shell «apt-get update && apt-get install -y ...»"""),
                row("ADD: several sources, a URL, a Git repository", """
                        FROM busybox
                        ADD file1.txt file2.txt /usr/src/things/
                        ADD https://example.com/archive.zip /usr/src/things/
                        ADD git@github.com:user/repo.git /usr/src/things/
                        ADD git@github.com:moby/buildkit.git#v0.14.1:docs /buildkit-docs
                        """, """
                        1 FROM image=«busybox»
                        2 ADD sources=[«file1.txt», «file2.txt»] destination=«/usr/src/things/»
                        3 ADD sources=[«https://example.com/archive.zip»] destination=«/usr/src/things/»
                        4 ADD sources=[«git@github.com:user/repo.git»] destination=«/usr/src/things/»
                        5 ADD sources=[«git@github.com:moby/buildkit.git#v0.14.1:docs»] destination=«/buildkit-docs»"""),
                row("ADD: wildcards are the builder's, kept as written", """
                        FROM busybox
                        ADD *.png /dest/
                        ADD index.?s /dest/
                        ADD arr[[]0].txt /dest/
                        """, """
                        1 FROM image=«busybox»
                        2 ADD sources=[«*.png»] destination=«/dest/»
                        3 ADD sources=[«index.?s»] destination=«/dest/»
                        4 ADD sources=[«arr[[]0].txt»] destination=«/dest/»"""),
                row("ADD: destinations relative to WORKDIR", """
                        FROM busybox
                        ADD test.txt /abs/
                        WORKDIR /usr/src/app
                        ADD test.txt rel/
                        """, """
                        1 FROM image=«busybox»
                        2 ADD sources=[«test.txt»] destination=«/abs/»
                        3 WORKDIR path=«/usr/src/app»
                        4 ADD sources=[«test.txt»] destination=«rel/»"""),
                row("ADD --keep-git-dir, --checksum, --unpack", """
                        FROM alpine
                        ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.10.1 /buildkit
                        ADD --checksum=be1f38e https://github.com/moby/buildkit.git#v0.26.2 /
                        ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://mirrors.edge.kernel.org/pub/linux/kernel/Historic/linux-0.01.tar.gz /
                        ADD --unpack=true https://example.com/archive.tar.gz /download
                        ADD --unpack=false my-archive.tar.gz .
                        """, """
                        1 FROM image=«alpine»
                        2 ADD sources=[«https://github.com/moby/buildkit.git#v0.10.1»] destination=«/buildkit» keepGitDir=true
                        3 ADD sources=[«https://github.com/moby/buildkit.git#v0.26.2»] destination=«/» checksum=«be1f38e»
                        4 ADD sources=[«https://mirrors.edge.kernel.org/pub/linux/kernel/Historic/linux-0.01.tar.gz»] destination=«/» checksum=«sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d»
                        5 ADD sources=[«https://example.com/archive.tar.gz»] destination=«/download» unpack=true
                        6 ADD sources=[«my-archive.tar.gz»] destination=«.» unpack=false"""),
                row("ADD: the JSON form for paths with white space", """
                        FROM busybox
                        ADD ["my file.txt", "other one.txt", "/dest dir/"]
                        """, """
                        1 FROM image=«busybox»
                        2 ADD sources=[«my file.txt», «other one.txt»] destination=«/dest dir/»"""),
                row("COPY --from: a stage, after RUN --mount=type=bind", """
                        FROM golang AS build
                        WORKDIR /app
                        RUN --mount=type=bind,target=. go build -o /myapp ./cmd

                        COPY --from=build /myapp /usr/bin/
                        """, """
                        1 FROM image=«golang» name=«build»
                        2 WORKDIR path=«/app»
                        3 RUN command=shell «go build -o /myapp ./cmd» mounts=[«type=bind,target=.»]
                        5 COPY sources=[«/myapp»] destination=«/usr/bin/» from=«build»"""),
                row("COPY --from: another stage's file, an image's", """
                        FROM alpine AS build
                        COPY . .
                        RUN apk add clang
                        RUN clang -o /hello hello.c

                        FROM scratch
                        COPY --from=build /hello /
                        COPY --from=nginx:latest /etc/nginx/nginx.conf /nginx.conf
                        """, """
                        1 FROM image=«alpine» name=«build»
                        2 COPY sources=[«.»] destination=«.»
                        3 RUN command=shell «apk add clang»
                        4 RUN command=shell «clang -o /hello hello.c»
                        6 FROM image=«scratch»
                        7 COPY sources=[«/hello»] destination=«/» from=«build»
                        8 COPY sources=[«/etc/nginx/nginx.conf»] destination=«/nginx.conf» from=«nginx:latest»"""),
                row("COPY --chmod: octal, from an ARG, symbolic", """
                        FROM busybox
                        COPY --chmod=755 app.sh /app/
                        COPY --chmod=644 file.txt /data/
                        ARG MODE=440
                        COPY --chmod=$MODE . .
                        COPY --chmod=+x script.sh /app/
                        COPY --chmod=u=rwX,go=rX . /app/
                        COPY --chmod=g=u config/ /config/
                        """, """
                        1 FROM image=«busybox»
                        2 COPY sources=[«app.sh»] destination=«/app/» chmod=«755»
                        3 COPY sources=[«file.txt»] destination=«/data/» chmod=«644»
                        4 ARG MODE=«440» → «440»
                        5 COPY sources=[«.»] destination=«.» chmod=«440»
                        6 COPY sources=[«script.sh»] destination=«/app/» chmod=«+x»
                        7 COPY sources=[«.»] destination=«/app/» chmod=«u=rwX,go=rX»
                        8 COPY sources=[«config/»] destination=«/config/» chmod=«g=u»"""),
                row("COPY --chown: names and numbers", """
                        FROM busybox
                        COPY --chown=55:mygroup files* /somedir/
                        COPY --chown=bin files* /somedir/
                        COPY --chown=1 files* /somedir/
                        COPY --chown=10:11 files* /somedir/
                        COPY --chown=myuser:mygroup --chmod=644 files* /somedir/
                        """, """
                        1 FROM image=«busybox»
                        2 COPY sources=[«files*»] destination=«/somedir/» chown=«55:mygroup»
                        3 COPY sources=[«files*»] destination=«/somedir/» chown=«bin»
                        4 COPY sources=[«files*»] destination=«/somedir/» chown=«1»
                        5 COPY sources=[«files*»] destination=«/somedir/» chown=«10:11»
                        6 COPY sources=[«files*»] destination=«/somedir/» chown=«myuser:mygroup» chmod=«644»"""),
                row("COPY --link", """
                        # syntax=docker/dockerfile:1
                        FROM alpine
                        COPY --link /foo /bar
                        """, """
                        2 FROM image=«alpine»
                        3 COPY sources=[«/foo»] destination=«/bar» link=true
                        Dockerfile:1: syntax docker/dockerfile:1 ignored: jreg has its own Dockerfile frontend"""),
                row("COPY --parents", """
                        FROM scratch

                        COPY ./x/a.txt ./y/a.txt /no_parents/
                        COPY --parents ./x/a.txt ./y/a.txt /parents/
                        COPY --parents ./x/./y/*.txt /parents/
                        COPY --parents ./src/**/*.txt /parents/
                        """, """
                        1 FROM image=«scratch»
                        3 COPY sources=[«./x/a.txt», «./y/a.txt»] destination=«/no_parents/»
                        4 COPY sources=[«./x/a.txt», «./y/a.txt»] destination=«/parents/» parents=true
                        5 COPY sources=[«./x/./y/*.txt»] destination=«/parents/» parents=true
                        6 COPY sources=[«./src/**/*.txt»] destination=«/parents/» parents=true"""),
                row("COPY --exclude, once and twice", """
                        FROM scratch
                        COPY --exclude=*.txt hom* /mydir/
                        COPY --exclude=*.txt --exclude=*.md hom* /mydir/
                        """, """
                        1 FROM image=«scratch»
                        2 COPY sources=[«hom*»] destination=«/mydir/» excludes=[«*.txt»]
                        3 COPY sources=[«hom*»] destination=«/mydir/» excludes=[«*.txt», «*.md»]"""),
                row("ENTRYPOINT: exec form with CMD's default arguments", """
                        FROM ubuntu
                        ENTRYPOINT ["top", "-b"]
                        CMD ["-c"]
                        """, """
                        1 FROM image=«ubuntu»
                        2 ENTRYPOINT command=exec [«top», «-b»]
                        3 CMD command=exec [«-c»]"""),
                row("ENTRYPOINT: Apache in the foreground, EXPOSE and VOLUME", """
                        FROM debian:stable
                        RUN apt-get update && apt-get install -y --force-yes apache2
                        EXPOSE 80 443
                        VOLUME ["/var/www", "/var/log/apache2", "/etc/apache2"]
                        ENTRYPOINT ["/usr/sbin/apache2ctl", "-D", "FOREGROUND"]
                        """, """
                        1 FROM image=«debian:stable»
                        2 RUN command=shell «apt-get update && apt-get install -y --force-yes apache2»
                        3 EXPOSE ports=[«80», «443»]
                        4 VOLUME volumes=[«/var/www», «/var/log/apache2», «/etc/apache2»]
                        5 ENTRYPOINT command=exec [«/usr/sbin/apache2ctl», «-D», «FOREGROUND»]"""),
                row("ENTRYPOINT: shell form, and -- ending CMD's flags", """
                        FROM ubuntu
                        ENTRYPOINT exec top -b
                        ENTRYPOINT top -b
                        CMD -- --ignored-param1
                        """, """
                        1 FROM image=«ubuntu»
                        2 ENTRYPOINT command=shell «exec top -b»
                        3 ENTRYPOINT command=shell «top -b»
                        4 CMD command=shell «--ignored-param1»"""),
                row("VOLUME: words", """
                        FROM ubuntu
                        RUN mkdir /myvol
                        RUN echo "hello world" > /myvol/greeting
                        VOLUME /myvol
                        VOLUME /var/log /var/db
                        """, """
                        1 FROM image=«ubuntu»
                        2 RUN command=shell «mkdir /myvol»
                        3 RUN command=shell «echo "hello world" > /myvol/greeting»
                        4 VOLUME volumes=[«/myvol»]
                        5 VOLUME volumes=[«/var/log», «/var/db»]"""),
                row("USER on Windows", """
                        FROM microsoft/windowsservercore
                        # Create Windows user in the container
                        RUN net user /add patrick
                        # Set it for subsequent commands
                        USER patrick
                        """, """
                        1 FROM image=«microsoft/windowsservercore»
                        3 RUN command=shell «net user /add patrick»
                        5 USER user=«patrick»"""),
                row("WORKDIR: relative paths, kept as written", """
                        FROM busybox
                        WORKDIR /a
                        WORKDIR b
                        WORKDIR c
                        RUN pwd
                        """, """
                        1 FROM image=«busybox»
                        2 WORKDIR path=«/a»
                        3 WORKDIR path=«b»
                        4 WORKDIR path=«c»
                        5 RUN command=shell «pwd»"""),
                row("ARG: without and with defaults", """
                        FROM busybox
                        ARG user1
                        ARG buildno
                        ARG user2=someuser
                        ARG buildno2=1
                        """, """
                        1 FROM image=«busybox»
                        2 ARG user1 → unset
                        3 ARG buildno → unset
                        4 ARG user2=«someuser» → «someuser»
                        5 ARG buildno2=«1» → «1»"""),
                row("ARG: scope starts at its declaration", """
                        FROM busybox
                        USER ${username:-some_user}
                        ARG username
                        USER $username
                        """, Map.of("username", "what_user"), """
                        1 FROM image=«busybox»
                        2 USER user=«some_user»
                        3 ARG username → «what_user»
                        4 USER user=«what_user»"""),
                row("ARG: ENV overrides an ARG of the same name", """
                        FROM ubuntu
                        ARG CONT_IMG_VER
                        ENV CONT_IMG_VER=v1.0.0
                        RUN echo $CONT_IMG_VER
                        LABEL version=$CONT_IMG_VER
                        """, Map.of("CONT_IMG_VER", "v2.0.1"), """
                        1 FROM image=«ubuntu»
                        2 ARG CONT_IMG_VER → «v2.0.1»
                        3 ENV variables=[«CONT_IMG_VER»=«v1.0.0»]
                        4 RUN command=shell «echo $CONT_IMG_VER»
                        5 LABEL labels=[«version»=«v1.0.0»]"""),
                row("ARG: ENV taking an ARG's value, with a default", """
                        FROM ubuntu
                        ARG CONT_IMG_VER
                        ENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}
                        """, Map.of("CONT_IMG_VER", "v2.0.1"), """
                        1 FROM image=«ubuntu»
                        2 ARG CONT_IMG_VER → «v2.0.1»
                        3 ENV variables=[«CONT_IMG_VER»=«v2.0.1»]"""),
                row("ARG: ENV taking an ARG's default when the user gives none", """
                        FROM ubuntu
                        ARG CONT_IMG_VER
                        ENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}
                        """, """
                        1 FROM image=«ubuntu»
                        2 ARG CONT_IMG_VER → unset
                        3 ENV variables=[«CONT_IMG_VER»=«v1.0.0»]"""),
                row("ARG: the automatic platform ARGs, redeclared in a stage", """
                        FROM alpine
                        ARG TARGETPLATFORM
                        RUN echo "I'm building for $TARGETPLATFORM"
                        ARG BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT
                        """, """
                        1 FROM image=«alpine»
                        2 ARG TARGETPLATFORM → «linux/arm/v7»
                        3 RUN command=shell «echo "I'm building for $TARGETPLATFORM"»
                        4 ARG BUILDPLATFORM → «linux/amd64», BUILDOS → «linux», BUILDARCH → «amd64», BUILDVARIANT → «»"""),
                row("ARG: a predefined proxy ARG, declared to keep it", """
                        FROM ubuntu
                        ARG HTTP_PROXY
                        RUN echo "Hello World"
                        """, Map.of("HTTP_PROXY", "http://user:pass@proxy.lon.example.com"), """
                        1 FROM image=«ubuntu»
                        2 ARG HTTP_PROXY → «http://user:pass@proxy.lon.example.com»
                        3 RUN command=shell «echo "Hello World"»"""),
                row("ARG: several on a line, defaults referring to earlier ones", """
                        FROM busybox
                        ARG a1="foo bar" a2=box
                        ARG a3="$a2-foo"
                        """, """
                        1 FROM image=«busybox»
                        2 ARG a1=«"foo bar"» → «foo bar», a2=«box» → «box»
                        3 ARG a3=«"$a2-foo"» → «box-foo»"""),
                row("ARG: a stage built on another inherits its ARGs", """
                        FROM busybox AS base
                        ARG VERSION=1
                        FROM base
                        LABEL v=$VERSION
                        FROM busybox
                        LABEL v=$VERSION
                        """, """
                        1 FROM image=«busybox» name=«base»
                        2 ARG VERSION=«1» → «1»
                        3 FROM image=«base»
                        4 LABEL labels=[«v»=«1»]
                        5 FROM image=«busybox»
                        6 LABEL labels=[«v»=«»]"""),
                row("BuildKit built-in args: RUN --mount=target=. for a Git context", """
                        # syntax=docker/dockerfile:1
                        FROM alpine
                        WORKDIR /src
                        RUN --mount=target=. \\
                          make REVISION=$(git rev-parse HEAD) build
                        """, """
                        2 FROM image=«alpine»
                        3 WORKDIR path=«/src»
                        4-5 RUN command=shell «make REVISION=$(git rev-parse HEAD) build» mounts=[«target=.»]
                        Dockerfile:1: syntax docker/dockerfile:1 ignored: jreg has its own Dockerfile frontend"""),
                row("ONBUILD: triggers kept as written", """
                        FROM python:3
                        ONBUILD ADD . /app/src
                        ONBUILD RUN /usr/local/bin/python-build --dir /app/src
                        """, """
                        1 FROM image=«python:3»
                        2 ONBUILD trigger=(ADD sources=[«.»] destination=«/app/src») expression=«ADD . /app/src»
                        3 ONBUILD trigger=(RUN command=shell «/usr/local/bin/python-build --dir /app/src») expression=«RUN /usr/local/bin/python-build --dir /app/src»"""),
                row("ONBUILD: COPY --from and RUN --mount=from in triggers, variables left for the later build", """
                        FROM alpine AS baseimage
                        ONBUILD COPY --from=build /usr/bin/app /app
                        ONBUILD RUN --mount=from=config,target=/opt/appconfig ...
                        ONBUILD WORKDIR $HOME
                        """, """
                        1 FROM image=«alpine» name=«baseimage»
                        2 ONBUILD trigger=(COPY sources=[«/usr/bin/app»] destination=«/app» from=«build») expression=«COPY --from=build /usr/bin/app /app»
                        3 ONBUILD trigger=(RUN command=shell «...» mounts=[«from=config,target=/opt/appconfig»]) expression=«RUN --mount=from=config,target=/opt/appconfig ...»
                        4 ONBUILD trigger=(WORKDIR path=«$HOME») expression=«WORKDIR $HOME»"""),
                row("ONBUILD: a trigger with a here-document keeps it", """
                        FROM alpine
                        ONBUILD RUN <<EOF
                        echo built
                        EOF
                        """, """
                        1 FROM image=«alpine»
                        2-4 ONBUILD trigger=(RUN command=shell «<<EOF» heredocs=[<<EOF «echo built⏎»]) expression=«RUN <<EOF⏎echo built⏎EOF»"""),
                row("STOPSIGNAL: a name or a number", """
                        FROM busybox
                        STOPSIGNAL SIGKILL
                        STOPSIGNAL 9
                        """, """
                        1 FROM image=«busybox»
                        2 STOPSIGNAL signal=«SIGKILL»
                        3 STOPSIGNAL signal=«9»"""),
                row("HEALTHCHECK: options and a shell command; NONE", """
                        FROM nginx
                        HEALTHCHECK --interval=5m --timeout=3s \\
                          CMD curl -f http://localhost/ || exit 1
                        HEALTHCHECK --start-period=1m30s --start-interval=500ms --retries=5 CMD ["/bin/check"]
                        HEALTHCHECK NONE
                        """, """
                        1 FROM image=«nginx»
                        2-3 HEALTHCHECK test=[«CMD-SHELL», «curl -f http://localhost/ || exit 1»] interval=PT5M timeout=PT3S
                        4 HEALTHCHECK test=[«CMD», «/bin/check»] startPeriod=PT1M30S startInterval=PT0.5S retries=5
                        5 HEALTHCHECK test=[«NONE»]"""),
                row("SHELL: shells on Windows", """
                        FROM microsoft/windowsservercore

                        # Executed as cmd /S /C echo default
                        RUN echo default

                        # Executed as cmd /S /C powershell -command Write-Host default
                        RUN powershell -command Write-Host default

                        # Executed as powershell -command Write-Host hello
                        SHELL ["powershell", "-command"]
                        RUN Write-Host hello

                        # Executed as cmd /S /C echo hello
                        SHELL ["cmd", "/S", "/C"]
                        RUN echo hello
                        """, """
                        1 FROM image=«microsoft/windowsservercore»
                        4 RUN command=shell «echo default»
                        7 RUN command=shell «powershell -command Write-Host default»
                        10 SHELL shell=[«powershell», «-command»]
                        11 RUN command=shell «Write-Host hello»
                        14 SHELL shell=[«cmd», «/S», «/C»]
                        15 RUN command=shell «echo hello»"""),
                row("SHELL: the exec form with escaped quotes and backslashes", """
                        FROM microsoft/windowsservercore
                        RUN ["powershell", "-command", "Execute-MyCmdlet", "-param1 \\"c:\\\\foo.txt\\""]
                        """, """
                        1 FROM image=«microsoft/windowsservercore»
                        2 RUN command=exec [«powershell», «-command», «Execute-MyCmdlet», «-param1 "c:\\foo.txt"»]"""),
                row("SHELL: PowerShell with ` as the escape character", """
                        # escape=`

                        FROM microsoft/nanoserver
                        SHELL ["powershell","-command"]
                        RUN New-Item -ItemType Directory C:\\Example
                        ADD Execute-MyCmdlet.ps1 c:\\example\\
                        RUN c:\\example\\Execute-MyCmdlet -sample 'hello world'
                        """, """
                        3 FROM image=«microsoft/nanoserver»
                        4 SHELL shell=[«powershell», «-command»]
                        5 RUN command=shell «New-Item -ItemType Directory C:\\Example»
                        6 ADD sources=[«Execute-MyCmdlet.ps1»] destination=«c:\\example\\»
                        7 RUN command=shell «c:\\example\\Execute-MyCmdlet -sample 'hello world'»"""),
                row("Here-documents: a script for a named shell", """
                        # syntax=docker/dockerfile:1
                        FROM debian
                        RUN <<EOT bash
                          set -ex
                          apt-get update
                          apt-get install -y vim
                        EOT
                        """, """
                        2 FROM image=«debian»
                        3-7 RUN command=shell «<<EOT bash» heredocs=[<<EOT «  set -ex⏎  apt-get update⏎  apt-get install -y vim⏎»]
                        Dockerfile:1: syntax docker/dockerfile:1 ignored: jreg has its own Dockerfile frontend"""),
                row("Here-documents: a shebang", """
                        FROM python:3.6
                        RUN <<EOT
                        #!/usr/bin/env python
                        print("hello world")
                        EOT
                        """, """
                        1 FROM image=«python:3.6»
                        2-5 RUN command=shell «<<EOT» heredocs=[<<EOT «#!/usr/bin/env python⏎print("hello world")⏎»]"""),
                row("Here-documents: two on one line", """
                        FROM alpine
                        RUN <<FILE1 cat > file1 && <<FILE2 cat > file2
                        I am
                        first
                        FILE1
                        I am
                        second
                        FILE2
                        """, """
                        1 FROM image=«alpine»
                        2-8 RUN command=shell «<<FILE1 cat > file1 && <<FILE2 cat > file2» heredocs=[<<FILE1 «I am⏎first⏎», <<FILE2 «I am⏎second⏎»]"""),
                row("Here-documents: an inline file for COPY", """
                        FROM alpine
                        COPY <<EOF greeting.txt
                        hello world
                        EOF
                        """, """
                        1 FROM image=«alpine»
                        2-4 COPY documents=[<<EOF «hello world⏎»] destination=«greeting.txt»"""),
                row("Here-documents: <<-, variables replaced in COPY's file", """
                        FROM alpine
                        ARG FOO=bar
                        COPY <<-EOT /script.sh
                          echo "hello ${FOO}"
                        EOT
                        ENTRYPOINT ash /script.sh
                        """, """
                        1 FROM image=«alpine»
                        2 ARG FOO=«bar» → «bar»
                        3-5 COPY documents=[<<EOT «  echo "hello bar"⏎»] destination=«/script.sh»
                        6 ENTRYPOINT command=shell «ash /script.sh»"""),
                row("Here-documents: a quoted delimiter keeps variables", """
                        FROM alpine
                        ARG FOO=bar
                        COPY <<-"EOT" /script.sh
                          echo "hello ${FOO}"
                        EOT
                        ENTRYPOINT ash /script.sh
                        """, """
                        1 FROM image=«alpine»
                        2 ARG FOO=«bar» → «bar»
                        3-5 COPY documents=[<<-"EOT" «  echo "hello ${FOO}"⏎»] destination=«/script.sh»
                        6 ENTRYPOINT command=shell «ash /script.sh»"""),
                row("Here-documents: <<- strips leading tabs, from the delimiter's line too", """
                        FROM alpine
                        COPY <<-EOT /tabs.txt
                        \t\tindented
                        \tEOT
                        RUN <<-'SCRIPT'
                        \techo $HOME
                        \tSCRIPT
                        """, """
                        1 FROM image=«alpine»
                        2-4 COPY documents=[<<EOT «indented⏎»] destination=«/tabs.txt»
                        5-7 RUN command=shell «<<-'SCRIPT'» heredocs=[<<-"SCRIPT" «→echo $HOME⏎»]"""),
                row("Empty continuation lines: skipped, with a note", """
                        FROM alpine
                        RUN apk add \\

                            gnupg \\

                            curl
                        """, """
                        1 FROM image=«alpine»
                        2-6 RUN command=shell «apk add     gnupg     curl»
                        Dockerfile:3: empty continuation line (Docker warns that it will be an error)"""),
                row("Empty continuation lines: a comment is not empty", """
                        FROM alpine
                        EXPOSE \\
                        # Port
                        80
                        """, """
                        1 FROM image=«alpine»
                        2-4 EXPOSE ports=[«80»]"""),
                row("Instructions in any case, and CRLF line ends", "from alpine AS Build\r\nrun echo \\\r\n  hi\r\ncopy a b\r\n", """
                        1 FROM image=«alpine» name=«build»
                        2-3 RUN command=shell «echo   hi»
                        4 COPY sources=[«a»] destination=«b»"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedExamples")
    void documentedExamplesReadAsDockerReadsThem(String title, String dockerfile, Map<String, String> buildArgs,
            String expected) {
        assertEquals(expected, DockerfileDump.of(DockerfileParser.parse("Dockerfile", dockerfile), buildArgs));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("FROM alpine\nRUNN echo\n", "Dockerfile:2: RUNN is not a Dockerfile instruction"),
                Arguments.of("# direc \\\ntive=value\nFROM ImageName\n", "Dockerfile:2: tive=value is not a Dockerfile"
                        + " instruction"),
                Arguments.of("FROM alpine\n\nRUN <<EOF\necho\n", "Dockerfile:3: unterminated heredoc: no line EOF ends <<EOF"),
                Arguments.of("FROM alpine\nCOPY <<-END a\n\tEND_\n", "Dockerfile:2: unterminated heredoc: no line END ends <<-END"),
                Arguments.of("FROM alpine\nCOPY --form=build a b\n", "Dockerfile:2: COPY has no option --form (it has"
                        + " --from, --chown, --chmod, --link, --parents, --exclude)"),
                Arguments.of("FROM alpine\nRUN --device=nvidia.com/gpu=all x\n", "Dockerfile:2: RUN has no option --device"
                        + " (it has --mount, --network, --security)"),
                Arguments.of("FROM alpine\nENV --x=1 A=1\n", "Dockerfile:2: ENV takes no options, not --x"),
                Arguments.of("FROM alpine\nCOPY --link=maybe a b\n", "Dockerfile:2: --link takes true or false, not \"maybe\""),
                Arguments.of("FROM alpine\nCOPY --from=a --from=b a b\n", "Dockerfile:2: --from is given twice"),
                Arguments.of("FROM alpine\nCOPY --chown a b\n", "Dockerfile:2: --chown needs a value: --chown=VALUE"),
                Arguments.of("FROM alpine\nRUN --network=bridge x\n", "Dockerfile:2: invalid network mode \"bridge\""
                        + " (default, none or host)"),
                Arguments.of("FROM alpine\nRUN --security=privileged x\n", "Dockerfile:2: security \"privileged\" is not"
                        + " valid (sandbox or insecure)"),
                Arguments.of("FROM alpine\nRUN --mount=type=bind,from=$STAGE x\n", "Dockerfile:2: 'from' doesn't support"
                        + " variable expansion, define alias stage instead"),
                Arguments.of("FROM alpine\nCOPY onlyone\n", "Dockerfile:2: COPY requires at least two arguments: SOURCE..."
                        + " DESTINATION"),
                Arguments.of("FROM alpine\nADD\n", "Dockerfile:2: ADD requires at least two arguments: SOURCE... DESTINATION"),
                Arguments.of("FROM alpine\nCOPY a <<EOF\nx\nEOF\n", "Dockerfile:2: COPY cannot accept a heredoc as a"
                        + " destination"),
                Arguments.of("FROM alpine\nCOPY --from=$STAGE a b\n", "Dockerfile:2: variable expansion is not supported for"
                        + " --from, define a new stage with FROM using ARG from global scope as a workaround"),
                Arguments.of("FROM\n", "Dockerfile:1: FROM requires either one or three arguments: IMAGE [AS NAME]"),
                Arguments.of("FROM a AS\n", "Dockerfile:1: FROM requires either one or three arguments: IMAGE [AS NAME]"),
                Arguments.of("FROM a AS 1st\n", "Dockerfile:1: invalid name for build stage: \"1st\", name can't start"
                        + " with a number or contain symbols"),
                Arguments.of("FROM a AS Build\nRUN x\nFROM b AS build\n", "Dockerfile:3: duplicate stage name \"build\""
                        + " (the stage at line 1 has it)"),
                Arguments.of("# comment\nRUN echo\nFROM alpine\n", "Dockerfile:2: RUN before any FROM: a Dockerfile begins"
                        + " with FROM, which only ARG may precede"),
                Arguments.of("ARG A=1\nARG B\n", "Dockerfile:2: no FROM: the file has no build stage"),
                Arguments.of("", "Dockerfile:1: the file has no instructions"),
                Arguments.of("# only\n\n# comments\n", "Dockerfile:3: the file has no instructions"),
                Arguments.of("# escape=x\nFROM alpine\n", "Dockerfile:1: invalid escape token 'x' does not match ` or \\"),
                Arguments.of("# escape=\\\n# ESCAPE=`\nFROM alpine\n", "Dockerfile:2: only one escape parser directive can"
                        + " be used"),
                Arguments.of("FROM alpine\nSHELL /bin/bash -c\n", "Dockerfile:2: SHELL requires the arguments to be in JSON"
                        + " form"),
                Arguments.of("FROM alpine\nSHELL []\n", "Dockerfile:2: SHELL requires at least one argument"),
                Arguments.of("FROM alpine\nCMD [\"echo\", 1]\n", "Dockerfile:2: when using JSON array syntax, arrays must be"
                        + " comprised of strings only"),
                Arguments.of("FROM alpine\nENTRYPOINT\n", "Dockerfile:2: ENTRYPOINT requires at least one argument"),
                Arguments.of("FROM alpine\nONBUILD ONBUILD RUN x\n", "Dockerfile:2: ONBUILD cannot trigger ONBUILD"),
                Arguments.of("FROM alpine\nONBUILD from alpine\n", "Dockerfile:2: FROM is not allowed as an ONBUILD trigger"),
                Arguments.of("FROM alpine\nONBUILD MAINTAINER me\n", "Dockerfile:2: MAINTAINER is not allowed as an"
                        + " ONBUILD trigger"),
                Arguments.of("FROM alpine\nONBUILD\n", "Dockerfile:2: ONBUILD requires at least one argument"),
                Arguments.of("FROM alpine\nONBUILD COPY onlyone\n", "Dockerfile:2: COPY requires at least two arguments:"
                        + " SOURCE... DESTINATION"),
                Arguments.of("FROM alpine\nENV A\n", "Dockerfile:2: ENV A has no value; write ENV NAME=VALUE"),
                Arguments.of("FROM alpine\nLABEL a=1 b\n", "Dockerfile:2: \"b\" is not NAME=VALUE"),
                Arguments.of("FROM alpine\nENV A=\"open \\\n  B=2\n", "Dockerfile:2: unmatched \" in A=\"open   B=2"),
                Arguments.of("FROM alpine\nARG =x\n", "Dockerfile:2: \"=x\" is not NAME[=DEFAULT]"),
                Arguments.of("FROM alpine\nWORKDIR\n", "Dockerfile:2: WORKDIR requires exactly one argument"),
                Arguments.of("FROM alpine\nVOLUME [\"\"]\n", "Dockerfile:2: a volume is an empty path"),
                Arguments.of("FROM alpine\nEXPOSE\n", "Dockerfile:2: EXPOSE requires at least one argument"),
                Arguments.of("FROM alpine\nHEALTHCHECK --interval=5 CMD true\n", "Dockerfile:2: --interval takes a duration"
                        + " such as 30s or 1m30s, not \"5\""),
                Arguments.of("FROM alpine\nHEALTHCHECK --timeout=-1s CMD true\n", "Dockerfile:2: --timeout must be 0 or at"
                        + " least 1ms, not -1s"),
                Arguments.of("FROM alpine\nHEALTHCHECK --retries=3x CMD true\n", "Dockerfile:2: --retries takes a number of"
                        + " at least 0, not \"3x\""),
                Arguments.of("FROM alpine\nHEALTHCHECK CMD []\n", "Dockerfile:2: HEALTHCHECK CMD needs a command"),
                Arguments.of("FROM alpine\nHEALTHCHECK --interval=1s NONE\n", "Dockerfile:2: HEALTHCHECK NONE takes no"
                        + " options or arguments"),
                Arguments.of("FROM alpine\nHEALTHCHECK curl -f http://localhost/\n", "Dockerfile:2: HEALTHCHECK takes"
                        + " [OPTIONS] CMD command, or NONE"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformed")
    void malformedDockerfilesAreRefusedNamingTheLine(String dockerfile, String message) {
        assertEquals(message, assertThrows(DockerfileException.class,
                () -> DockerfileParser.parse("Dockerfile", dockerfile)).getMessage());
    }

    static Stream<Arguments> unexpandable() {
        return Stream.of(
                Arguments.of("FROM alpine\nENV A=1\nLABEL x=\"${FOO:?must be set}\"\n", "Dockerfile:3: FOO: must be set"),
                Arguments.of("FROM alpine\nENV EMPTY=\nWORKDIR ${EMPTY:?}\n", "Dockerfile:3: EMPTY: is not allowed to be"
                        + " empty"),
                Arguments.of("FROM alpine\nUSER ${NAME\n", "Dockerfile:2: missing } in ${NAME"),
                Arguments.of("FROM alpine\nUSER ${NAME:=x}\n", "Dockerfile:2: bad substitution ${NAME:=x} in ${NAME:=x}"),
                Arguments.of("FROM alpine\nCOPY \"my file\" /dst\n", "Dockerfile:2: unmatched \" in \"my"),
                Arguments.of("ARG TAG=\"${MISSING?no tag}\"\nFROM alpine:$TAG\n", "Dockerfile:1: MISSING: no tag"),
                Arguments.of("FROM alpine:${TAG:?required}\n", "Dockerfile:1: TAG: required"),
                Arguments.of("FROM alpine\nARG V=${X#a\\b}\n", "Dockerfile:2: bad pattern a\\b in ${X#a\\b}: a \\ escapes"
                        + " only *, ? and \\"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unexpandable")
    void wordsWhoseVariablesCannotBeReplacedAreRefusedNamingTheLine(String dockerfile, String message) {
        Dockerfile parsed = DockerfileParser.parse("Dockerfile", dockerfile);
        assertEquals(message, assertThrows(DockerfileException.class, () -> DockerfileDump.of(parsed, NO_ARGS))
                .getMessage());
    }

    @Test
    void errorsNameTheFileAsGivenAndTheFirstLineOfTheInstruction() {
        DockerfileException e = assertThrows(DockerfileException.class,
                () -> DockerfileParser.parse("build/Dockerfile.dev", "FROM alpine\nRUN --bogus \\\n  echo \\\n  hi\n"));
        assertEquals("build/Dockerfile.dev:2: RUN has no option --bogus (it has --mount, --network, --security)",
                e.getMessage());
        assertEquals("build/Dockerfile.dev", e.file());
        assertEquals(2, e.line());
        assertEquals("RUN has no option --bogus (it has --mount, --network, --security)", e.reason());
    }

    @Test
    void stagesAreIndexedAndFoundByNameInAnyCaseOrByIndex() {
        Dockerfile dockerfile = DockerfileParser.parse("Dockerfile", """
                ARG BASE=alpine
                FROM $BASE AS Builder
                RUN make
                FROM scratch
                COPY --from=BUILDER /out /
                COPY --from=0 /out /again
                """);
        assertEquals(List.of("BASE"), dockerfile.globalArgs().get(0).declarations().stream()
                .map(Instruction.Arg.Declaration::name).toList());
        assertEquals(2, dockerfile.stages().size());
        Dockerfile.Stage builder = dockerfile.stages().get(0);
        assertEquals("builder", builder.name());
        assertEquals(builder, dockerfile.stage("BUILDER").orElseThrow());
        assertEquals(builder, dockerfile.stage("0").orElseThrow());
        assertEquals(1, dockerfile.stage("1").orElseThrow().index());
        assertTrue(dockerfile.stage("2").isEmpty());
        assertTrue(dockerfile.stage("alpine").isEmpty(), "an image, not a stage");
        assertEquals(2, dockerfile.stages().get(1).instructions().size());
        assertEquals('\\', dockerfile.escape());
    }

    @Test
    void buildArgsReachOnlyDeclaredArgsAndProxiesReachRun() {
        Dockerfile dockerfile = DockerfileParser.parse("Dockerfile", """
                FROM alpine
                ARG DECLARED
                ARG WITH_DEFAULT=d
                ENV WITH_DEFAULT=from-env
                LABEL undeclared=$UNDECLARED
                """);
        BuildArgs args = new BuildArgs(Map.of("DECLARED", "x", "UNDECLARED", "y", "HTTPS_PROXY", "http://proxy:3128",
                "TARGETARCH", "riscv64"), DockerfileDump.BUILD_PLATFORM, DockerfileDump.TARGET_PLATFORM);
        Map<String, String> env = new java.util.HashMap<>();
        Scope scope = args.global(dockerfile).stage(env::get);
        List<Instruction> instructions = dockerfile.stages().get(0).instructions();
        scope.declare((Instruction.Arg) instructions.get(0));
        scope.declare((Instruction.Arg) instructions.get(1));
        env.put("WITH_DEFAULT", "from-env");
        Instruction.Label label = (Instruction.Label) scope.expand(instructions.get(3));
        assertEquals("", label.labels().get(0).value(), "a build argument no ARG declares is not a variable");
        assertEquals(Map.of("DECLARED", "x", "HTTPS_PROXY", "http://proxy:3128"), scope.runArguments(),
                "the environment overrides an argument; a proxy argument reaches RUN undeclared");
        assertEquals(List.of("UNDECLARED"), args.unused(), "predefined and proxy arguments are never unused");
        assertEquals("riscv64", args.global(dockerfile).variable("TARGETARCH"), "the user may override a predefined one");
    }

    @Test
    void oneInstructionOnOneLineAsCommitTakesIt() {
        assertEquals("ENV variables=[«A»=«1», «B»=«\"two words\"»]",
                DockerfileDump.fields(DockerfileParser.instruction("env A=1 B=\"two words\"")));
        assertEquals("missing } in ${X", assertThrows(IllegalArgumentException.class,
                () -> DockerfileParser.instruction("USER ${X").expand(new Expander('\\', name -> null))).getMessage());
        assertEquals("unterminated heredoc: no line EOF ends <<EOF", assertThrows(IllegalArgumentException.class,
                () -> DockerfileParser.instruction("ONBUILD RUN <<EOF")).getMessage());
    }
}
