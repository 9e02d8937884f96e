package dev.signet.web.api;

import dev.signet.ca.CertificateAuthorities;
import dev.signet.ca.profile.Profile;
import dev.signet.web.http.ApiException;
import dev.signet.web.http.Json;
import io.javalin.http.Context;

/** {@code /api/v1/profiles}: the certificate profiles and their rules. */
public final class ProfileController {

    private final CertificateAuthorities authorities;

    public ProfileController(CertificateAuthorities authorities) {
        this.authorities = authorities;
    }

    public void list(Context ctx) {
        Json.write(ctx, 200, authorities.profiles().stream().map(Views.ProfileView::of).toList());
    }

    public void get(Context ctx) {
        String name = ctx.pathParam("name");
        Profile p = authorities.profiles().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no profile '" + name + "'"));
        Json.write(ctx, 200, Views.ProfileView.of(p));
    }
}
