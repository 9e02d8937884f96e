package dev.signet.hsm.pkcs11;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.SecretSource;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of read-write sessions on one token. A session carries per-operation state
 * (sign-init, find-init), so each is lent to one thread at a time; sessions are opened lazily up to
 * the bound and reused, never opened per operation.
 *
 * <p>PKCS#11 login state belongs to the process and token, not to a session: the pool logs in once,
 * on the first session, and every later session shares it. It never logs out, since that would also
 * log out any other pool of this process on the same token; closing the sessions is enough.
 */
final class SessionPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionPool.class);
    private static final long WAIT_SECONDS = 60;

    /** Work done on one borrowed session. */
    interface SessionWork<T> {
        T run(Session session) throws PKCS11Exception;
    }

    private final Token token;
    private final String tokenLabel;
    private final SecretSource pin;
    private final int size;
    private final Semaphore permits;
    private final BlockingQueue<Session> idle;
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean closed;

    /** Opens the first session and logs the user in; fails with a clear, PIN-free message. */
    SessionPool(Token token, String tokenLabel, SecretSource pin, int size) {
        this.token = token;
        this.tokenLabel = tokenLabel;
        this.pin = pin;
        this.size = size;
        this.permits = new Semaphore(size);
        this.idle = new ArrayBlockingQueue<>(size);
        Session first = openSession();
        try {
            login(first);
        } catch (RuntimeException e) {
            closeQuietly(first);
            throw e;
        }
        idle.add(first);
    }

    int size() {
        return size;
    }

    /** How many sessions this pool has opened so far (reused sessions count once). */
    int opened() {
        return opened.get();
    }

    /**
     * Runs {@code work} on a session of its own; logs in again once if the token forgot the login.
     * A session on which the token reported an error is replaced rather than lent again: a failed
     * call may leave an operation active on it (CKR_OPERATION_ACTIVE on its next use).
     */
    <T> T call(SessionWork<T> work) throws PKCS11Exception {
        Session session = borrow();
        boolean healthy = false;
        try {
            T result;
            try {
                result = work.run(session);
            } catch (PKCS11Exception e) {
                if (e.getErrorCode() != PKCS11Constants.CKR_USER_NOT_LOGGED_IN) {
                    throw e;
                }
                login(session);
                result = work.run(session);
            }
            healthy = true;
            return result;
        } catch (HsmException e) {
            healthy = true; // raised by our own checks between token calls: the session is fine
            throw e;
        } finally {
            giveBack(session, healthy);
        }
    }

    private Session borrow() {
        if (closed) {
            throw new HsmException.BackendFailure("the PKCS#11 backend for token '" + tokenLabel + "' is closed", null);
        }
        try {
            if (!permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new HsmException.BackendFailure("all " + size + " sessions on token '" + tokenLabel
                        + "' stayed busy for " + WAIT_SECONDS + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HsmException.BackendFailure("interrupted while waiting for a session", e);
        }
        Session session = idle.poll();
        if (session != null) {
            return session;
        }
        try {
            return openSession();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private void giveBack(Session session, boolean healthy) {
        try {
            if (closed) {
                closeQuietly(session);
            } else if (healthy) {
                idle.add(session);
            } else {
                replace(session);
            }
        } finally {
            permits.release();
        }
        if (closed) {
            drain(); // a session in use during close() comes back here
        }
    }

    /**
     * Opens the replacement before closing the old session: closing a process's last session on a
     * token would log it out.
     */
    private void replace(Session broken) {
        Session fresh = null;
        try {
            fresh = openSession();
        } catch (HsmException e) {
            LOG.warn("cannot replace a failed session on token '{}': {}", tokenLabel, e.getMessage());
        }
        closeQuietly(broken);
        if (fresh != null) {
            idle.add(fresh);
        }
    }

    private Session openSession() {
        try {
            Session session = token.openSession(true);
            opened.incrementAndGet();
            return session;
        } catch (PKCS11Exception e) {
            throw new HsmException.BackendFailure(
                    "cannot open a session on token '" + tokenLabel + "': " + e.getErrorName(), e);
        }
    }

    private void login(Session session) {
        char[] secret = pin.read();
        try {
            session.login(PKCS11Constants.CKU_USER, secret);
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() == PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN) {
                return; // another pool of this process logged in; the state is shared
            }
            String why = e.getErrorCode() == PKCS11Constants.CKR_PIN_INCORRECT ? "PIN incorrect" : e.getErrorName();
            // Only the source's name, never the PIN itself.
            throw new HsmException.BackendFailure(
                    "login to token '" + tokenLabel + "' with the PIN from " + pin + " failed: " + why, null);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private static boolean isSessionLost(long code) {
        return code == PKCS11Constants.CKR_SESSION_HANDLE_INVALID
                || code == PKCS11Constants.CKR_SESSION_CLOSED
                || code == PKCS11Constants.CKR_DEVICE_REMOVED
                || code == PKCS11Constants.CKR_TOKEN_NOT_PRESENT
                || code == PKCS11Constants.CKR_DEVICE_ERROR;
    }

    private void drain() {
        Session s;
        while ((s = idle.poll()) != null) {
            closeQuietly(s);
        }
    }

    private void closeQuietly(Session session) {
        try {
            session.closeSession();
        } catch (PKCS11Exception e) {
            LOG.debug("closing a session on token '{}' failed: {}", tokenLabel, e.getErrorName());
        }
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }
}
