package dev.signet.web.config;

/** A configuration the program refuses to start with. The message names the setting. */
public final class ConfigException extends RuntimeException {

    private final String setting;

    public ConfigException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    /** The dotted name of the offending setting, e.g. {@code server.port}. */
    public String setting() {
        return setting;
    }
}
