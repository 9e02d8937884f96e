package dev.signet.web.ui;

/**
 * What the page after a form's redirect shows once (post, redirect, get). A flash is kept with the
 * session in the database, sealed ({@link SessionStore}), so whichever node serves that page shows
 * it; {@link FlashJson} writes it out.
 */
sealed interface Flash {

    /**
     * What the page after an issuance says once ("issued", or which signer identity was created):
     * flashed by the server for that one certificate, never read from the URL, where anyone could
     * write a message of their own into a link.
     */
    record Notice(String caId, String serial, boolean issued, String identity, String renewedFrom) implements Flash {}

    /** A user was created; {@code password} is the generated one (null if the administrator typed it). */
    record CreatedUser(String username, String password) implements Flash {
        @Override
        public String toString() {
            return "CreatedUser[username=" + username + "]";
        }
    }

    /** An API token was created: the row to show and its secret, shown this once. */
    record CreatedToken(AdminController.TokenRow token, String secret) implements Flash {
        @Override
        public String toString() {
            return "CreatedToken[id=" + token.id() + "]";
        }
    }
}
