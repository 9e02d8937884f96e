package dev.signet.web.http;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EofException;

/**
 * Whether a failure is only the client going away (it closed the connection mid-request, or was
 * dropped for being too slow). That is the client's business, not an incident: one log line, no
 * stack trace, whatever number of clients do it.
 */
public final class ClientGone {

    private ClientGone() {}

    public static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EofException || t instanceof ClosedChannelException || t instanceof TimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The one line logged for it. */
    public static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
