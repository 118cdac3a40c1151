package io.carekpi.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects every log message of this JVM at INFO and above while open (the console keeps its
 * WARN threshold), with the logger's name and any exception text, to check what reaches logs.
 */
public final class LogCapture implements AutoCloseable {
    private final List<String> messages = new ArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final LoggerConfig root = context.getConfiguration().getRootLogger();
    private final Level previous = root.getLevel();
    private final AbstractAppender appender = new AbstractAppender("capture", null, null, true,
            Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent e) {
            StringBuilder sb = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " - "
                    + e.getMessage().getFormattedMessage());
            for (Throwable t = e.getThrown(); t != null; t = t.getCause()) {
                sb.append(" | ").append(t);
            }
            synchronized (messages) {
                messages.add(sb.toString());
            }
        }
    };

    public static LogCapture atInfo() {
        return new LogCapture();
    }

    private LogCapture() {
        appender.start();
        root.addAppender(appender, Level.INFO, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
    }

    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    @Override
    public void close() {
        root.removeAppender(appender.getName());
        root.setLevel(previous);
        context.updateLoggers();
        appender.stop();
    }
}
