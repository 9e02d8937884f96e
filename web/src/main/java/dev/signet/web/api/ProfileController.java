package dev.signet.web.api;

import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.ProfileException;
import dev.signet.ca.Profiles;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.ProfileInfo;
import dev.signet.ca.Storage;
import dev.signet.web.auth.Guard;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import dev.signet.web.http.ProblemType;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/profiles}: the certificate profiles and their rules, and reloading them. */
public final class ProfileController {

    private final CertificateAuthorities authorities;
    private final Path profilesDir;
    private final Storage storage;

    public ProfileController(CertificateAuthorities authorities, Path profilesDir, Storage storage) {
        this.authorities = authorities;
        this.profilesDir = profilesDir;
        this.storage = storage;
    }

    /**
     * {@code POST /api/v1/profiles/reload}: reads the profile directory again. All or nothing: a
     * file with a mistake is named in a 422 and the profiles in use stay as they were.
     */
    public void reload(Context ctx) {
        Profiles next;
        try {
            next = Profiles.load(profilesDir);
        } catch (ProfileException e) {
            throw new ApiException(ProblemType.POLICY_REFUSAL, "profiles not reloaded, the current ones stay in use: " + e.getMessage());
        }
        List<String> names = next.infos().stream().map(ProfileInfo::name).toList();
        // The other nodes read their own directories again when they see the change.
        storage.recordChange(AuditEvent.of(Guard.principal(ctx).actor(), "profiles.reload", "profiles", profilesDir.toString(),
                Map.of("profiles", names)), Storage.TOPIC_PROFILES);
        authorities.useProfiles(next);
        Json.write(ctx, 200, next.infos().stream().map(Views.ProfileView::of).toList());
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, authorities.profiles().stream().map(Views.ProfileView::of).toList());
    }

    public void get(Context ctx) {
        String name = ctx.pathParam("name");
        ProfileInfo p = authorities.profiles().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no profile '" + name + "'"));
        Json.write(ctx, 200, Views.ProfileView.of(p));
    }
}
