/* Floor of a single-copy read without MPI: a parent holds a source buffer, a child (the
 * reader, on the other CPU) process_vm_readv's it into its own buffer, REPS times per trial.
 * Each trial maps fresh buffers on both sides (new physical pages).
 *   pvmbench SIZE TRIALS REPS [assist]  -> per trial: median ns per read and GB/s */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
static int cmp(const void*a,const void*b){double x=*(const double*)a,y=*(const double*)b;return x<y?-1:x>y;}
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);sched_setaffinity(0,sizeof s,&s);}
int main(int argc,char**argv){
  long size=atol(argv[1]); int trials=atoi(argv[2]), reps=atoi(argv[3]); long soff=argc>4?atol(argv[4]):0, doff=argc>5?atol(argv[5]):0; int rc=argc>6?atoi(argv[6]):1;
  int p2c[2],c2p[2]; pipe(p2c); pipe(c2p);
  pid_t parent=getpid();
  pid_t kid=fork();
  if(kid==0){ pin(rc);
    double*t=malloc(sizeof(double)*reps);
    for(int tr=0;tr<trials;++tr){
      void*src; if(read(p2c[0],&src,sizeof src)!=sizeof src) return 1;
      char*dst0=mmap(0,size+8192,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE,-1,0); char*dst=dst0+doff;
      for(int r=0;r<reps;++r){struct iovec l={dst,size},rm={src,size};
        double a=now(); if(process_vm_readv(parent,&l,1,&rm,1,0)!=size) perror("pvm"); t[r]=now()-a;}
      qsort(t,reps,sizeof(double),cmp);
      printf("trial %d size %ld: p10 %.0f p50 %.0f ns  %.1f GB/s\n",tr,size,t[reps/10],t[reps/2],size/t[reps/2]);fflush(stdout);
      munmap(dst0,size+8192); char ok=1; write(c2p[1],&ok,1);
    }
    return 0;}
  pin(1-rc);
  for(int tr=0;tr<trials;++tr){
    char*src0=mmap(0,size+8192,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE,-1,0); char*src=src0+soff; memset(src,1,size);
    write(p2c[1],&src,sizeof src); char ok; read(c2p[0],&ok,1); munmap(src0,size+8192);}
  waitpid(kid,0,0); return 0;}
