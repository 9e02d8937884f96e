package dev.signet.web.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slow request bodies cost the server neither a thread nor an unbounded time. The handlers built
 * by {@link #chain} read every request body asynchronously before any route runs (Jetty's
 * {@link EagerContentHandler}: a form is parsed from memory, never by a worker blocked on the
 * socket), and drop the connection of a client whose body has not arrived by its deadline:
 * {@link #GRACE_MS} plus the body's length at {@link #MIN_BYTES_PER_SECOND}. A dropped client is one
 * line in the log.
 */
public final class RequestBodyDeadline extends Handler.Wrapper {

    /** Time every body gets, whatever its size: a slow network's first round trips. */
    static final long GRACE_MS = 5_000;
    /** The slowest upload accepted past the grace time: a poor mobile link manages far more. */
    static final long MIN_BYTES_PER_SECOND = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RequestBodyDeadline.class);
    private static final String ATTRIBUTE = RequestBodyDeadline.class.getName();

    private final long maxBodyBytes;

    private RequestBodyDeadline(long maxBodyBytes, Handler next) {
        super(next);
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The deadline, then the eager reader (which holds up to {@code maxBodyBytes} of a body in
     * memory; a larger one is refused by the routes from its Content-Length), then the marker that
     * the body has arrived; the application's handler goes inside that innermost wrapper.
     */
    public static Handler.Wrapper chain(long maxBodyBytes) {
        EagerContentHandler eager = new EagerContentHandler(
                new EagerContentHandler.RetainedContentLoaderFactory(maxBodyBytes, -1, false));
        eager.setHandler(new Arrived());
        return new RequestBodyDeadline(maxBodyBytes, eager);
    }

    /** The innermost wrapper of {@link #chain}: where the application's handler is set. */
    public static Handler.Wrapper innermost(Handler.Wrapper chain) {
        Handler.Wrapper w = chain;
        while (w.getHandler() instanceof Handler.Wrapper inner) {
            w = inner;
        }
        return w;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long length = request.getLength();
        boolean chunked = length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (length <= 0 && !chunked) {
            return super.handle(request, response, callback);
        }
        long bytes = chunked ? maxBodyBytes : Math.min(length, maxBodyBytes);
        long deadlineMs = GRACE_MS + bytes * 1000 / MIN_BYTES_PER_SECOND;
        Pending pending = new Pending();
        request.setAttribute(ATTRIBUTE, pending);
        Callback once = new Once(callback, pending);
        pending.task = request.getComponents().getScheduler().schedule(() -> {
            if (pending.expire()) {
                LOG.info("dropped slow client {}: {} {} sent no complete body ({} bytes announced) within {} s",
                        Request.getRemoteAddr(request), request.getMethod(), request.getHttpURI().getPath(),
                        chunked ? "chunked" : Long.toString(length), deadlineMs / 1000);
                request.getConnectionMetaData().getConnection().getEndPoint().close();
                // Ends the request here: the eager reader does not complete it once its socket is gone.
                once.failed(new TimeoutException("request body too slow"));
            }
        }, deadlineMs, TimeUnit.MILLISECONDS);
        return super.handle(request, response, once);
    }

    /** A body's deadline, until the body arrives or the deadline passes (whichever is first counts). */
    private static final class Pending {
        private final AtomicInteger state = new AtomicInteger();
        volatile Scheduler.Task task;

        /** True if the body arrived in time; false if the deadline passed first. */
        boolean arrive() {
            cancel();
            return state.compareAndSet(0, 1) || state.get() == 1;
        }

        boolean expire() {
            return state.compareAndSet(0, 2);
        }

        void cancel() {
            Scheduler.Task t = task;
            if (t != null) {
                t.cancel();
            }
        }
    }

    /** The request's callback, completed once: by the route's response or by the deadline, whichever is first. */
    private static final class Once extends Callback.Nested {
        private final AtomicBoolean done = new AtomicBoolean();
        private final Pending pending;

        Once(Callback callback, Pending pending) {
            super(callback);
            this.pending = pending;
        }

        @Override
        public void succeeded() {
            if (done.compareAndSet(false, true)) {
                pending.cancel();
                super.succeeded();
            }
        }

        @Override
        public void failed(Throwable x) {
            if (done.compareAndSet(false, true)) {
                pending.cancel();
                super.failed(x);
            }
        }
    }

    /** Runs once the eager reader has the whole body (or as much as it holds): the deadline is off. */
    private static final class Arrived extends Handler.Wrapper {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (request.getAttribute(ATTRIBUTE) instanceof Pending p && !p.arrive()) {
                // The request was ended at the deadline; the route would only read a closed socket.
                return true;
            }
            return super.handle(request, response, callback);
        }
    }
}
