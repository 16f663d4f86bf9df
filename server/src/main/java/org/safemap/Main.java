package org.safemap;

import org.safemap.cli.Cli;

/** Entry point of safemap.jar; the ./safemap launcher runs it. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = Cli.run(args, System.getenv(), System.out, System.err);
        System.exit(code);
    }
}
