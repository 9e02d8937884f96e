package dev.signet.web;

import dev.signet.web.cli.SignetCommand;

/** {@code java -jar signet.jar ...}: the command line; {@code serve} runs the server. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(SignetCommand.run(args));
    }
}
