// A checksum over a fixed buffer: every index is below the buffer's length.
static unsigned char buffer[256];

__attribute__((export_name("fill"))) void fill(unsigned seed) {
    for (int i = 0; i < 256; i++) {
        seed = seed * 1103515245u + 12345u;
        buffer[i] = (unsigned char)(seed >> 16);
    }
}

__attribute__((export_name("checksum"))) unsigned checksum(void) {
    unsigned a = 1, b = 0;
    for (int i = 0; i < 256; i++) {
        a = (a + buffer[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return (b << 16) | a;
}
