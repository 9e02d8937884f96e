package dev.signet.signing.validation;

import dev.signet.signing.Indication;
import dev.signet.signing.SubIndication;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the findings on one signature and picks the indication: the first TOTAL_FAILED finding
 * if any, else the first INDETERMINATE one, else TOTAL_PASSED. Callers add findings in order of
 * importance. Every finding becomes a reason in the report; warnings do not change the indication.
 */
final class Verdict {
    private Indication indication = Indication.TOTAL_PASSED;
    private SubIndication sub;
    private final List<String> reasons = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    void fail(SubIndication s, String reason) {
        if (indication != Indication.TOTAL_FAILED) {
            indication = Indication.TOTAL_FAILED;
            sub = s;
        }
        reasons.add(s + ": " + reason);
    }

    void indeterminate(SubIndication s, String reason) {
        if (indication == Indication.TOTAL_PASSED) {
            indication = Indication.INDETERMINATE;
            sub = s;
        }
        reasons.add(s + ": " + reason);
    }

    void warn(String w) {
        warnings.add("warning: " + w);
    }

    void info(String i) {
        warnings.add(i);
    }

    boolean failed() {
        return indication == Indication.TOTAL_FAILED;
    }

    Indication indication() {
        return indication;
    }

    SubIndication subIndication() {
        return sub;
    }

    /** The findings that set the indication, without warnings and notes. */
    List<String> findings() {
        return List.copyOf(reasons);
    }

    /** Warnings and notes, which do not change the indication. */
    List<String> notes() {
        return List.copyOf(warnings);
    }

    List<String> reasons() {
        List<String> all = new ArrayList<>(reasons);
        if (indication == Indication.TOTAL_PASSED) all.add(0, "the signature is valid");
        all.addAll(warnings);
        return all;
    }
}
