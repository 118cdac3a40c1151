package io.carekpi.connectors.influx.internal;

import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Removes the two write parameters that the official client always sends and that not every
 * InfluxDB version reads the same way: {@code precision=n} (nanoseconds, spelled {@code ns} by
 * InfluxDB 3 and by some of its v1-compatible endpoints, while nanoseconds is the default of every
 * version anyway) and {@code consistency=one} (meaningful only to InfluxDB 1.x Enterprise clusters,
 * where {@code one} is also the default). Any other precision is left alone.
 */
public final class PortableWriteParameters implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        HttpUrl url = request.url();
        if (!url.encodedPath().endsWith("/write")) {
            return chain.proceed(request);
        }
        HttpUrl.Builder portable = url.newBuilder().removeAllQueryParameters("consistency");
        if ("n".equals(url.queryParameter("precision"))) {
            portable.removeAllQueryParameters("precision");
        }
        return chain.proceed(request.newBuilder().url(portable.build()).build());
    }
}
