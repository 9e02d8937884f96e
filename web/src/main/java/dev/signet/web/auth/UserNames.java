package dev.signet.web.auth;

/** What a UI user name may be: short, printable, no spaces (it shows in audit entries and URLs). */
public final class UserNames {

    public static final int MAX_LENGTH = 64;

    private UserNames() {}

    /** Why {@code name} is not a valid user name, or null if it is. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "a user name is required";
        }
        if (name.length() > MAX_LENGTH) {
            return "a user name has at most " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == '_' || c == '@';
            if (!ok) {
                return "a user name may contain only letters, digits and . - _ @";
            }
        }
        return null;
    }
}
