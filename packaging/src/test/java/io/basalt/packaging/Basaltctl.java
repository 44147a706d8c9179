package io.basalt.packaging;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * packaging/basaltctl run with python3, as an administrator would. The URL and token come
 * through BASALT_URL and BASALT_TOKEN; BASALT_ENV_FILE points nowhere, so that a basalt package
 * installed on the machine running the tests cannot lend its token. What it printed (not its
 * command line) is kept: {@link #outputs()}.
 */
final class Basaltctl {
    private final Path script;
    private final String url;
    private final String token;
    private final List<String> outputs = new CopyOnWriteArrayList<>();

    Basaltctl(Path script, String url, String token) {
        this.script = script;
        this.url = url;
        this.token = token;
    }

    List<String> outputs() {
        return List.copyOf(outputs);
    }

    /** Runs basaltctl with these arguments; fails the test unless it exits with 0. */
    Command.Result ok(String... args) throws IOException, InterruptedException {
        Command.Result r = command(args).ok();
        outputs.add(r.out() + r.err());
        return r;
    }

    Command.Result run(String... args) throws IOException, InterruptedException {
        Command.Result r = command(args).run();
        outputs.add(r.out() + r.err());
        return r;
    }

    /** The command, to add standard input or environment before running it. */
    Command command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
        cmd.addAll(List.of(args));
        return Command.of(cmd)
                .env("BASALT_URL", url)
                .env("BASALT_TOKEN", token == null ? "" : token)
                .env("BASALT_ENV_FILE", "/nonexistent/basalt.env");
    }
}
