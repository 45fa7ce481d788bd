package io.leadscore.scoring.engine;

/**
 * @param band the band's name; {@code null} when the score is below every band
 */
public record ScoreResult(double score, String band) {
}
