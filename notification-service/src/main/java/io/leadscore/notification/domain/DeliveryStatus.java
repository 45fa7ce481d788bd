package io.leadscore.notification.domain;

/** Where a delivery stands; the wire names are what the delivery log shows and filters by. */
public enum DeliveryStatus {
    PENDING("pending"), DELIVERED("delivered"), FAILED("failed");

    private final String wire;

    DeliveryStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static DeliveryStatus parse(String wire) {
        for (DeliveryStatus s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        return null;
    }
}
