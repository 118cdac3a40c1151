package io.carekpi.connectors.influx.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Turns every answer with status 400 or above into an {@link InfluxHttpException} that keeps the
 * status code. Installed as an application interceptor (outside OkHttp's own retry-and-redirect
 * layer), so OkHttp does not retry on it: retrying is the sink's decision.
 */
public final class InfluxHttpStatusInterceptor implements Interceptor {
    private static final long MAX_BODY = 64 * 1024;

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        if (response.code() < 400) {
            return response;
        }
        try (response) {
            String body = response.peekBody(MAX_BODY).string().strip();
            throw new InfluxHttpException(response.code(), chain.request().method(),
                    chain.request().url().encodedPath(), body, response.header("Retry-After"));
        }
    }
}
