package dev.signet.hsm.pkcs11;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes the PKCS#11 wrapper's own logging to SLF4J (by default it prints to stdout). */
final class WrapperLogger implements org.xipki.pkcs11.wrapper.Logger {

    private static final Logger LOG = LoggerFactory.getLogger("org.xipki.pkcs11.wrapper");

    @Override
    public void info(String format, Object... arguments) {
        LOG.debug(format, arguments); // its info lines (licence banner, C_Initialize flags) are noise to us
    }

    @Override
    public void warn(String format, Object... arguments) {
        LOG.warn(format, arguments);
    }

    @Override
    public void error(String format, Object... arguments) {
        LOG.error(format, arguments);
    }

    @Override
    public void debug(String format, Object... arguments) {
        LOG.debug(format, arguments);
    }

    @Override
    public void trace(String format, Object... arguments) {
        LOG.trace(format, arguments);
    }

    @Override
    public boolean isDebugEnabled() {
        return LOG.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return LOG.isDebugEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return LOG.isWarnEnabled();
    }

    @Override
    public boolean isTraceEnabled() {
        return LOG.isTraceEnabled();
    }
}
