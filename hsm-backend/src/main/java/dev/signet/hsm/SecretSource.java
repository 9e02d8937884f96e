package dev.signet.hsm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a passphrase or PIN comes from: an environment variable or a file, never a command-line
 * argument (those show in {@code ps} and shell history). {@link #toString()} names the source,
 * never the secret, so a source can be logged.
 */
public sealed interface SecretSource {

    /** Reads the secret. The caller should clear the returned array when done. */
    char[] read();

    static SecretSource env(String variable) {
        return new Env(variable, System.getenv());
    }

    static SecretSource file(Path path) {
        return new File(path);
    }

    record Env(String variable, Map<String, String> environment) implements SecretSource {
        @Override
        public char[] read() {
            String v = environment.get(variable);
            if (v == null || v.isEmpty()) {
                throw new HsmException.BackendFailure("environment variable " + variable + " is not set", null);
            }
            return v.toCharArray();
        }

        @Override
        public String toString() {
            return "env:" + variable;
        }
    }

    record File(Path path) implements SecretSource {
        @Override
        public char[] read() {
            try {
                String v = Files.readString(path, StandardCharsets.UTF_8).strip();
                if (v.isEmpty()) {
                    throw new HsmException.BackendFailure("secret file " + path + " is empty", null);
                }
                return v.toCharArray();
            } catch (IOException e) {
                throw new HsmException.BackendFailure("cannot read secret file " + path, e);
            }
        }

        @Override
        public String toString() {
            return "file:" + path;
        }
    }
}
