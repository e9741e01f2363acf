/* process_vm_readv with an iovec per piece on both sides (the single-copy read of a layout into a
 * layout) against packing and unpacking the same pieces in one process, for a face of FACE bytes
 * in pieces of 8 B - 8 KiB (one piece-sized gap between pieces). Best of 9.   cma2 FACE
 * Build: gcc -O2 cma2.c. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
/* face of `total` bytes in pieces of `piece` bytes, stride 2*piece (pieces between). */
int main(int argc,char**argv){
  long total=atol(argv[1]);
  size_t span=2*total+4096; char*src=aligned_alloc(4096,span); memset(src,1,span);
  int p[2]; pipe(p); pid_t c=fork();
  if(c==0){close(p[1]); char x; read(p[0],&x,1); _exit(0);}
  char*dst=aligned_alloc(4096,span); memset(dst,0,span); char*pk=aligned_alloc(4096,total);
  struct iovec l[1024],r[1024];
  for(long piece=8;piece<=8192;piece*=2){ long n=total/piece; double b1=1e30,b2=1e30;
    for(int t=0;t<9;t++){double t0=now();
      for(long i=0;i<n;i+=1024){int m=n-i<1024?n-i:1024;
        for(int k=0;k<m;k++){l[k].iov_base=dst+(i+k)*2*piece;l[k].iov_len=piece;r[k].iov_base=src+(i+k)*2*piece;r[k].iov_len=piece;}
        process_vm_readv(c,l,m,r,m,0);}
      double d=now()-t0; if(d<b1)b1=d;
      t0=now(); for(long i=0;i<n;i++)memcpy(pk+i*piece,src+i*2*piece,piece);
      for(long i=0;i<n;i++)memcpy(dst+i*2*piece,pk+i*piece,piece); d=now()-t0; if(d<b2)b2=d;}
    printf("face %ld piece %5ld: iovec both sides %8.1f us, pack+unpack (1 process) %7.1f us, ratio %.1f\n",total,piece,b1,b2,b1/b2);}
  write(p[1],"x",1); wait(NULL); return 0;}
