package org.safemap.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.safemap.ErrorCode;
import org.safemap.config.Settings;
import org.safemap.db.Work;
import org.safemap.sharing.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps one requester, or the public together, from taking the server down: every request's work is tracked
 * ({@link Work}) and stopped when its client goes, when its time is up or when the server shuts down; anonymous
 * requests are rate limited per client address and together (token buckets); expensive requests run at most a few
 * at a time per requester, for the public together and overall, waiting their turn briefly and then refused with
 * {@code Retry-After}. {@code /health} passes untouched.
 */
final class RequestGuard {
    private static final Logger LOG = LoggerFactory.getLogger("http");
    private static final String TRACKED = "safemap.tracked";
    /** How often deadlines, departed clients and stopped works are looked at. */
    private static final long WATCH_MS = 200;
    /** Requests are watched for their client going once they have run this long (the quick ones never are). */
    private static final long PROBE_AFTER_NANOS = 500_000_000L;
    /**
     * Expensive requests one requester may have waiting for a slot: a browser opens up to six connections to a server
     * (a map view's tiles come six at a time), QGIS about as many; more are refused at once.
     */
    private static final int MAX_WAITING = 8;
    /** Expensive requests waiting for a slot at once, over everybody (each holds one of Jetty's threads). */
    private static final int MAX_QUEUED = 64;
    /** A burst of this many seconds' worth of requests is allowed before the rate applies. */
    private static final int BURST_SECONDS = 5;
    /** At shutdown, running requests may finish within this; then they are stopped. */
    static final long DRAIN_MS = 5_000;
    /** Stopped requests have this long to answer before the server closes anyway. */
    static final long STOP_MS = 2_500;

    private final Settings.LimitSettings limits;
    private final ClientAddress addresses;
    private final Set<Tracked> inFlight = ConcurrentHashMap.newKeySet();
    private final Cache<String, Bucket> clientBuckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(200_000)
            .build();
    private final Bucket publicBucket;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Semaphore publicSlots;
    private final Semaphore allSlots;
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService watchdog;
    private volatile boolean stopping;

    /** One request in flight: its work, how to tell whether its client is still there, the slots it holds. */
    private static final class Tracked {
        final Work work;
        final EndPoint endPoint;
        final jakarta.servlet.http.HttpServletResponse response;
        final long startedNanos = System.nanoTime();
        volatile boolean probe;
        volatile boolean bodyPending;
        volatile Runnable release;

        Tracked(Work work, EndPoint endPoint, jakarta.servlet.http.HttpServletResponse response) {
            this.work = work;
            this.endPoint = endPoint;
            this.response = response;
        }
    }

    /** One requester's expensive slots, kept while anyone holds or waits for one. */
    private static final class Lane {
        final Semaphore slots;
        int users;

        Lane(int permits) {
            this.slots = new Semaphore(permits, true);
        }
    }

    RequestGuard(Settings.LimitSettings limits, ClientAddress addresses) {
        this.limits = limits;
        this.addresses = addresses;
        this.publicBucket = bucket(limits.ratePublic());
        this.publicSlots = new Semaphore(limits.expensivePublic(), true);
        this.allSlots = new Semaphore(limits.expensiveTotal(), true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "request-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::watch, WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
    }

    private static Bucket bucket(int perSecond) {
        return Bucket.builder()
                .addLimit(limit ->
                        limit.capacity((long) perSecond * BURST_SECONDS).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }

    /**
     * Before anything else: refuses new requests while shutting down, and starts the request's work. Uploads have no
     * deadline (a large file takes its time) but are still stopped if their client goes or the server stops.
     */
    void begin(Context ctx) {
        Work.clear();
        if (exempt(ctx)) {
            return;
        }
        if (stopping) {
            ctx.header("Connection", "close");
            throw new ApiException(ErrorCode.SHUTTING_DOWN, "the server is shutting down; try again in a moment", 10);
        }
        boolean upload = ctx.method().name().equals("POST") && ctx.path().endsWith("/uploads");
        Work work = Work.begin(ctx.method() + " " + ctx.path(), upload ? 0 : limits.requestTimeoutS());
        Request core = ServletContextRequest.getServletContextRequest(ctx.req());
        Tracked t =
                new Tracked(work, core.getConnectionMetaData().getConnection().getEndPoint(), ctx.res());
        // Only a request with no body left to read may be probed: a probe reads from the connection.
        t.bodyPending = hasBody(ctx);
        t.probe = !t.bodyPending;
        ctx.attribute(TRACKED, t);
        inFlight.add(t);
        Request.addCompletionListener(core, failure -> finish(t));
    }

    /** After the handlers, on the request's thread: the work leaves the thread (the answer may still be sending). */
    void end(Context ctx) {
        Tracked t = ctx.attribute(TRACKED);
        if (t != null) {
            t.work.end();
        }
    }

    private void finish(Tracked t) {
        inFlight.remove(t);
        Runnable release = t.release;
        if (release != null) {
            t.release = null;
            release.run();
        }
    }

    /** After authentication: anonymous requests draw from their address's bucket and the public's. */
    void admit(Context ctx) {
        if (exempt(ctx) || isStatic(ctx) || !Principals.of(ctx).anonymous()) {
            return;
        }
        charge(ctx);
    }

    /** Takes one token for an anonymous request from {@code ctx}'s address, or refuses it (429). */
    void charge(Context ctx) {
        String client = addresses.of(ctx);
        ConsumptionProbe mine =
                clientBuckets.get(client, k -> bucket(limits.ratePerClient())).tryConsumeAndReturnRemaining(1);
        if (!mine.isConsumed()) {
            throw new ApiException(
                    ErrorCode.TOO_MANY_REQUESTS,
                    "too many requests from " + client + " without signing in " + "(SAFEMAP_RATE_PER_CLIENT "
                            + limits.ratePerClient() + " a second); slow down",
                    seconds(mine.getNanosToWaitForRefill()));
        }
        ConsumptionProbe all = publicBucket.tryConsumeAndReturnRemaining(1);
        if (!all.isConsumed()) {
            throw new ApiException(
                    ErrorCode.TOO_MANY_REQUESTS,
                    "too many requests from the public at once (SAFEMAP_RATE_PUBLIC " + limits.ratePublic()
                            + " a second); try again shortly",
                    seconds(all.getNanosToWaitForRefill()));
        }
    }

    /**
     * Before an expensive route: takes a slot of the requester's, of the public's (anonymous requests) and of the
     * server's, waiting up to SAFEMAP_QUEUE_WAIT_MS for each. A POST's JSON body is read now, so the request can be
     * watched for its client going away while it works.
     */
    void expensive(Context ctx) {
        Tracked t = ctx.attribute(TRACKED);
        if (t == null || t.release != null) {
            return;
        }
        if (hasBody(ctx) && !isMultipart(ctx)) {
            ctx.bodyAsBytes();
            t.bodyPending = false;
            t.probe = true;
        }
        t.release = acquire(ctx);
    }

    /**
     * Runs {@code render} in an expensive slot (a tile or map drawn rather than found in the cache). Slots already
     * held by the request count.
     */
    <T> T expensive(Context ctx, Supplier<T> render) {
        Tracked t = ctx.attribute(TRACKED);
        if (t == null || t.release != null) {
            return render.get();
        }
        Runnable release = acquire(ctx);
        try {
            return render.get();
        } finally {
            release.run();
        }
    }

    private Runnable acquire(Context ctx) {
        Principal who = Principals.of(ctx);
        String requester = who.anonymous() ? "address " + addresses.of(ctx) : "user " + who.user();
        // Requests waiting hold a server thread each: beyond a few dozen, refuse rather than run out of threads
        // (and leave /health nothing to answer with).
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            throw new ApiException(
                    ErrorCode.BUSY,
                    "the server has as many requests waiting for their turn as it keeps; try " + "again shortly",
                    5);
        }
        try {
            return acquire(who, requester, System.nanoTime() + limits.queueWaitMs() * 1_000_000L);
        } finally {
            queued.decrementAndGet();
        }
    }

    /** Takes the requester's slot, the public's (anonymous requests) and the server's, all by {@code deadline}. */
    private Runnable acquire(Principal who, String requester, long deadline) {
        Lane lane = lanes.compute(requester, (k, l) -> {
            Lane out = l == null ? new Lane(limits.expensivePerRequester()) : l;
            out.users++;
            return out;
        });
        Runnable leaveLane = () -> lanes.computeIfPresent(requester, (k, l) -> --l.users == 0 ? null : l);
        // More waiting than a browser has connections: the requester is flooding; no point queueing them.
        if (lane.users > limits.expensivePerRequester() + MAX_WAITING || !take(lane.slots, deadline)) {
            leaveLane.run();
            throw new ApiException(
                    ErrorCode.TOO_MANY_REQUESTS,
                    requester + " already has " + limits.expensivePerRequester()
                            + " expensive requests running (SAFEMAP_EXPENSIVE_PER_REQUESTER); wait for them to finish",
                    2);
        }
        Runnable mine = () -> {
            lane.slots.release();
            leaveLane.run();
        };
        if (who.anonymous() && !take(publicSlots, deadline)) {
            mine.run();
            throw new ApiException(
                    ErrorCode.BUSY,
                    "the server is answering as many requests from the public as it may at once "
                            + "(SAFEMAP_EXPENSIVE_PUBLIC " + limits.expensivePublic() + "); try again shortly",
                    5);
        }
        Runnable publicToo = who.anonymous()
                ? () -> {
                    publicSlots.release();
                    mine.run();
                }
                : mine;
        if (!take(allSlots, deadline)) {
            publicToo.run();
            throw new ApiException(
                    ErrorCode.BUSY,
                    "the server is answering as many expensive requests as it may at once "
                            + "(SAFEMAP_EXPENSIVE_TOTAL " + limits.expensiveTotal() + "); try again shortly",
                    5);
        }
        return () -> {
            allSlots.release();
            publicToo.run();
        };
    }

    private static boolean take(Semaphore s, long deadline) {
        try {
            return s.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The watchdog: stops overdue works and those whose client has gone, and keeps cancelling stopped ones. */
    private void watch() {
        for (Tracked t : inFlight) {
            try {
                if (t.work.stopped() == null && t.work.overdue()) {
                    t.work.stop(Work.Reason.DEADLINE);
                } else if (t.work.stopped() == null
                        && t.probe
                        && System.nanoTime() - t.startedNanos > PROBE_AFTER_NANOS
                        && clientGone(t)) {
                    LOG.info("{}: the client has gone; stopping its work", t.work.label());
                    t.work.stop(Work.Reason.CLIENT_GONE);
                } else if (t.work.stopped() != null) {
                    // A statement started after the last cancel is cancelled too.
                    t.work.cancelStatements();
                }
            } catch (RuntimeException e) {
                LOG.warn("request watchdog: {}", e.toString());
            }
        }
    }

    /**
     * Whether the client closed its side. Jetty reads nothing from a connection while a request is handled, so the
     * watchdog reads: end of stream means the client has gone. Only before the answer has begun: a client sends its
     * next request on the connection once it has the whole answer, and that request's bytes are Jetty's to read, not
     * the watchdog's. A byte read all the same (a client that pipelines) cannot be put back; such a connection is not
     * probed again. (Plain HTTP only: TLS ends at the reverse proxy in front of SafeMap.)
     */
    private static boolean clientGone(Tracked t) {
        if (t.response.isCommitted()) {
            t.probe = false;
            return false;
        }
        try {
            int n = t.endPoint.fill(BufferUtil.allocate(1));
            if (n > 0) {
                LOG.warn(
                        "{}: the client sent more before the answer (pipelining); not watched for leaving",
                        t.work.label());
                t.probe = false;
            }
            return n < 0 || !t.endPoint.isOpen();
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Ends the request body of a request still reading one (an upload a slow client is still sending): the read
     * sees the end, the handler fails, and the request answers 503 while its connection can still carry it.
     */
    private static void endInput(Tracked t) {
        if (t.endPoint instanceof SocketChannelEndPoint s) {
            try {
                s.getChannel().shutdownInput();
            } catch (IOException e) {
                LOG.debug("could not end the input of {}: {}", t.work.label(), e.toString());
            }
        }
    }

    /**
     * Stops accepting work: new requests get 503; running ones have {@link #DRAIN_MS} to finish, then are stopped
     * and have {@link #STOP_MS} to answer. Returns when none is left or the time is up.
     */
    void drain() {
        stopping = true;
        long t0 = System.nanoTime();
        awaitIdle(DRAIN_MS);
        if (!inFlight.isEmpty()) {
            LOG.info(
                    "stopping {} request(s) still running: {}",
                    inFlight.size(),
                    inFlight.stream().map(t -> t.work.label()).toList());
            for (Tracked t : inFlight) {
                t.work.stop(Work.Reason.SHUTDOWN);
                if (t.bodyPending) {
                    endInput(t);
                }
            }
            awaitIdle(STOP_MS);
        }
        LOG.info("drained in {} ms; {} request(s) left", (System.nanoTime() - t0) / 1_000_000, inFlight.size());
        watchdog.shutdownNow();
    }

    private void awaitIdle(long ms) {
        long end = System.nanoTime() + ms * 1_000_000L;
        while (!inFlight.isEmpty() && System.nanoTime() - end < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    long maxBodyBytes() {
        return limits.maxBodyKb() * 1024L;
    }

    int inFlight() {
        return inFlight.size();
    }

    /** Requests the guard leaves alone: /health must answer whatever else is going on. */
    private static boolean exempt(Context ctx) {
        return ctx.path().equals("/health");
    }

    /** The viewer's files, served from the jar: cheap, and needed to show any error at all. */
    private static boolean isStatic(Context ctx) {
        String p = ctx.path();
        return !(p.startsWith("/api/")
                || p.equals("/wms")
                || p.equals("/wmts")
                || p.startsWith("/wmts/")
                || p.startsWith("/tiles/")
                || p.startsWith("/ogc/"));
    }

    private static boolean hasBody(Context ctx) {
        String chunked = ctx.header("Transfer-Encoding");
        return ctx.contentLength() > 0
                || chunked != null && chunked.toLowerCase(Locale.ROOT).contains("chunked");
    }

    private static boolean isMultipart(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
