-- The rules behind each model score (as scoring reported them), carried on to alerts as plain-word reasons.
ALTER TABLE lead_model_score ADD COLUMN top_contributions JSONB;
