package org.understudy.profile.vstarcam;

/** A datagram that is not a message the LAN session understands: too short, too long, of an unknown type or malformed. */
final class PacketException extends Exception {

    private static final long serialVersionUID = 1L;

    PacketException(String message) {
        super(message);
    }
}
