package dev.signet.ca;

import dev.signet.ca.profile.Profile;
import dev.signet.ca.profile.ProfileParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The profiles a CA can issue with: the built-ins shipped with Signet, then the operator's files
 * ({@code *.json} in a directory), which may replace a built-in of the same name. Immutable once
 * loaded; every file is validated on load, so a bad file stops start-up with a precise error.
 */
public final class Profiles {

    /** The built-in profiles, shipped as resources beside the parser ({@code dev/signet/ca/profile/builtin}). */
    public static final List<String> BUILT_IN = List.of(
            "tls-server", "tls-client", "email", "document-signer", "timestamping", "ocsp-responder", "sub-ca");

    private final Map<String, Profile> byName;
    private final List<ProfileInfo> infos;

    private Profiles(Map<String, Profile> byName) {
        this.byName = Collections.unmodifiableMap(byName);
        this.infos = byName.values().stream().map(ProfileInfo::of).toList();
    }

    /** The built-in profiles only. */
    public static Profiles builtIn() {
        return new Profiles(loadBuiltIns(new ProfileParser()));
    }

    /**
     * The built-ins plus every {@code *.json} file in {@code directory} (if it exists). Two operator
     * files with the same profile name are an error; an operator file replaces a built-in.
     */
    public static Profiles load(Path directory) {
        ProfileParser parser = new ProfileParser();
        Map<String, Profile> all = loadBuiltIns(parser);
        if (directory == null || !Files.isDirectory(directory)) {
            return new Profiles(all);
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, "*.json")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new ProfileException(directory.toString(), "", "cannot list the directory: " + e.getMessage());
        }
        Collections.sort(files);
        Map<String, String> operatorSources = new TreeMap<>();
        for (Path file : files) {
            String json;
            try {
                json = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ProfileException(file.toString(), "", "cannot read the file: " + e.getMessage());
            }
            Profile p = parser.parse(file.toString(), json);
            String previous = operatorSources.put(p.name(), file.toString());
            if (previous != null) {
                throw new ProfileException(file.toString(), "name", "profile '" + p.name() + "' is also defined in " + previous);
            }
            all.put(p.name(), p);
        }
        return new Profiles(all);
    }

    private static Map<String, Profile> loadBuiltIns(ProfileParser parser) {
        Map<String, Profile> out = new TreeMap<>();
        for (String name : BUILT_IN) {
            String resource = "/dev/signet/ca/profile/builtin/" + name + ".json";
            try (InputStream in = Profiles.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("built-in profile resource missing: " + resource);
                }
                Profile p = parser.parse("built-in:" + name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (!p.name().equals(name)) {
                    throw new IllegalStateException("built-in " + resource + " is named " + p.name());
                }
                out.put(name, p);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read built-in profile " + resource, e);
            }
        }
        return out;
    }

    public Optional<Profile> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All profiles, ordered by name. */
    public List<Profile> all() {
        return List.copyOf(byName.values());
    }

    /** All profiles as callers see them, ordered by name. */
    public List<ProfileInfo> infos() {
        return infos;
    }
}
