/* A Mandelbrot render: `size` x `size` pixels over [-2, 0.5] x [-1.25, 1.25], at most 50
 * iterations per pixel, packed one bit per pixel as in the Benchmarks Game. Returns a 64-bit
 * FNV-1a hash of the packed rows. Exercises f64 arithmetic, compares and branches. */
typedef unsigned long long u64;

long long run(int size) {
    u64 hash = 0xcbf29ce484222325ull;
    for (int y = 0; y < size; y++) {
        double ci = 2.5 * y / size - 1.25;
        unsigned bits = 0;
        int nbits = 0;
        for (int x = 0; x < size; x++) {
            double cr = 2.5 * x / size - 2.0;
            double zr = 0, zi = 0, tr = 0, ti = 0;
            int i = 0;
            while (i < 50 && tr + ti <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = tr - ti + cr;
                tr = zr * zr;
                ti = zi * zi;
                i++;
            }
            bits = bits << 1 | (tr + ti <= 4.0);
            if (++nbits == 8) {
                hash = (hash ^ bits) * 0x100000001b3ull;
                bits = 0;
                nbits = 0;
            }
        }
        if (nbits) hash = (hash ^ (bits << (8 - nbits))) * 0x100000001b3ull;
    }
    return (long long)hash;
}
