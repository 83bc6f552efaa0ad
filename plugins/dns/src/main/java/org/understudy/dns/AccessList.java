package org.understudy.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Which client addresses may query: a list of CIDR blocks. */
final class AccessList {

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    /** An array, not a list: it is walked for every query, without an iterator. */
    private final Block[] blocks;

    private AccessList(List<Block> blocks) {
        this.blocks = blocks.toArray(new Block[0]);
    }

    static AccessList parse(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            String[] parts = cidr.trim().split("/", -1);
            byte[] network = org.understudy.api.Endpoints.literalAddress(parts[0], "allowedClients").getAddress();
            int max = network.length * 8;
            int prefix = max;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
            }
            if (parts.length > 2 || prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("allowedClients: bad CIDR block '" + cidr + "'");
            }
            blocks.add(new Block(network, prefix));
        }
        return new AccessList(List.copyOf(blocks));
    }

    boolean allows(InetAddress client) {
        byte[] address = client.getAddress();
        if (address.length == 16 && isV4Mapped(address)) {
            address = java.util.Arrays.copyOfRange(address, 12, 16);
        }
        for (Block b : blocks) {
            if (b.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
