package dev.signet.web.http;

import dev.signet.web.auth.Access;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/** One entry of the routes table: method, Javalin path pattern, who may call it, and its handler. */
public record Route(HandlerType method, String path, Access access, Handler handler) {

    public static Route get(String path, Access access, Handler handler) {
        return new Route(HandlerType.GET, path, access, handler);
    }

    public static Route post(String path, Access access, Handler handler) {
        return new Route(HandlerType.POST, path, access, handler);
    }
}
