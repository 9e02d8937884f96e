package dev.signet.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What one round of NTP answers says: the largest group of servers whose offsets lie within
 * {@code tolerance} of each other, if it has at least {@code minAgreeing} members and no other
 * group of its size exists, gives the time (its median offset, so that one member at the edge of
 * the group moves it little); the servers outside it are outliers. Without such a group the round
 * is either a disagreement (even if every server that failed had answered, no group could reach
 * {@code minAgreeing}; or two different groups are equally large), in which every answering server
 * is an outlier, or merely short of answers (the servers that failed might have made the group).
 *
 * <p>With the default {@code minAgreeing}, a majority of the configured servers, two disjoint groups
 * can never both qualify; a lower one lets fewer servers give the time while others are down, and
 * then two equally large groups are refused rather than one picked.
 */
final class NtpAgreement {

    /** One round's outcome; exactly one of: {@code medianMillis} set, {@code disagreement} set, neither (too few answers). */
    record Outcome(Long medianMillis, List<String> agreeing, List<String> outliers, String disagreement) {

        boolean agreed() {
            return medianMillis != null;
        }
    }

    private NtpAgreement() {}

    /**
     * @param offsets the offset of each server that gave a valid answer, in the configured order
     * @param failed how many configured servers gave no valid answer this round
     */
    static Outcome decide(Map<String, Long> offsets, int failed, int minAgreeing, long tolerance) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(offsets.entrySet());
        sorted.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
        int bestStart = 0;
        int bestSize = 0;
        int groupsOfBestSize = 0;
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            end = Math.max(end, start);
            while (end + 1 < sorted.size() && sorted.get(end + 1).getValue() - sorted.get(start).getValue() <= tolerance) {
                end++;
            }
            int size = end - start + 1;
            if (size > bestSize) {
                bestStart = start;
                bestSize = size;
                groupsOfBestSize = 1;
            } else if (size == bestSize) {
                groupsOfBestSize++;
            }
        }
        int answered = sorted.size();
        // In a disagreement no server can be told right, so every one that answered is counted as disagreeing.
        List<String> everyone = List.copyOf(offsets.keySet());
        if (bestSize >= minAgreeing && groupsOfBestSize > 1) {
            return new Outcome(null, List.of(), everyone, "the NTP servers disagree: " + groupsOfBestSize + " different groups of "
                    + bestSize + " agree within " + tolerance + " ms (" + describe(sorted) + ")");
        }
        if (bestSize < minAgreeing) {
            if (bestSize + failed >= minAgreeing) {
                return new Outcome(null, List.of(), List.of(), null);
            }
            return new Outcome(null, List.of(), everyone, "the NTP servers disagree: no " + minAgreeing + " of the "
                    + (answered + failed) + " agree within " + tolerance + " ms (" + describe(sorted) + ")");
        }
        List<String> agreeing = new ArrayList<>();
        List<String> outliers = new ArrayList<>();
        for (Map.Entry<String, Long> e : offsets.entrySet()) {
            int at = sorted.indexOf(e);
            (at >= bestStart && at < bestStart + bestSize ? agreeing : outliers).add(e.getKey());
        }
        long low = sorted.get(bestStart + (bestSize - 1) / 2).getValue();
        long high = sorted.get(bestStart + bestSize / 2).getValue();
        return new Outcome(low + (high - low) / 2, List.copyOf(agreeing), List.copyOf(outliers), null);
    }

    /** "a +3 ms, b +180000 ms", sorted by offset. */
    static String describe(List<Map.Entry<String, Long>> offsets) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : offsets) {
            parts.add(e.getKey() + " " + signed(e.getValue()) + " ms");
        }
        return parts.isEmpty() ? "no valid answer" : String.join(", ", parts);
    }

    static String signed(long millis) {
        return millis >= 0 ? "+" + millis : Long.toString(millis);
    }
}
