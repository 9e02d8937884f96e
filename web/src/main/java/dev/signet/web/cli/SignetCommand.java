package dev.signet.web.cli;

import dev.signet.web.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command: lists every subcommand in {@code --help}. */
@Command(name = "signet",
        mixinStandardHelpOptions = true,
        version = "signet 0.1.0",
        description = "A certificate authority whose keys stay behind an HSM boundary.",
        subcommands = {
                ServeCommand.class,
                InitCommand.class,
                TokenCommand.class,
                UserCommand.class,
                CaCommand.class,
                IssueCommand.class,
                RevokeCommand.class,
                RevokeCommand.Release.class,
                KeysCommand.class,
                HsmCommand.class,
                DataCommand.class,
                AuditCommand.class,
                BackupCommand.class,
                RestoreCommand.class,
                SignCommand.class,
                ClientCommand.class,
                ValidateCommand.class,
                CommandLine.HelpCommand.class
        })
public final class SignetCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the exit code (see {@link ExitCodes}: 0 ok, 2 bad usage, ...). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new SignetCommand());
        ExitCodes.describeIn(cli);
        cli.setExecutionExceptionHandler(SignetCommand::oneLineError);
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("signet: " + e.getMessage());
            err.println("try: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }

    /** Failures are one line on stderr: the reason, never a stack trace. */
    private static int oneLineError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        String reason = e instanceof ConfigException ? "bad configuration: " + e.getMessage() : message(e);
        cli.getErr().println("signet: " + reason);
        return ExitCodes.of(e);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }
}
