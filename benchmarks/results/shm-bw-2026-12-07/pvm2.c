/* One core's read against two cores' split copy, alternating per trial.
 *   pvm2 SIZE TRIALS REPS FRACTION_OWNER(0..1, e.g. 0.5) */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
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
struct ctl{_Atomic long req; _Atomic long done; char*dst; char pad[64]; char*src; long off,len; _Atomic int quit;};
int main(int argc,char**argv){
  long size=atol(argv[1]); int trials=atoi(argv[2]), reps=atoi(argv[3]); double frac=atof(argv[4]);
  struct ctl*c=mmap(0,4096,PROT_READ|PROT_WRITE,MAP_SHARED|MAP_ANONYMOUS,-1,0);
  char*src=mmap(0,size,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE,-1,0); memset(src,1,size);
  c->src=src; pid_t parent=getpid();
  pid_t kid=fork();
  if(kid==0){ pin(1);
    char*dst=mmap(0,size,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE,-1,0); c->dst=dst;
    long own=((long)(size*frac))&~4095L; long mine=size-own;
    double*t=malloc(sizeof(double)*reps);
    for(int tr=0;tr<trials;++tr){ for(int mode=0;mode<2;++mode){
      for(int r=0;r<reps;++r){
        double a=now();
        if(mode==1&&own>0){ c->off=mine; c->len=own; atomic_store(&c->req,r+1+tr*1000000L+mode*100000000L);}
        struct iovec l={dst,mode?mine:size},rm={src,mode?mine:size};
        if(process_vm_readv(parent,&l,1,&rm,1,0)<0)perror("r");
        if(mode==1&&own>0) while(atomic_load(&c->done)!=atomic_load(&c->req));
        t[r]=now()-a;}
      qsort(t,reps,sizeof(double),cmp);
      printf("trial %d %s size %ld: p10 %.0f p50 %.0f ns %.1f GB/s\n",tr,mode?"split":"alone",size,t[reps/10],t[reps/2],size/t[reps/2]);fflush(stdout);}}
    atomic_store(&c->quit,1); return 0;}
  pin(0);
  long seen=0;
  while(!atomic_load(&c->quit)){ long q=atomic_load(&c->req); if(q!=seen){ seen=q;
      struct iovec l={src+c->off,c->len},rm={c->dst+c->off,c->len};
      if(process_vm_writev(kid,&l,1,&rm,1,0)<0)perror("w"); atomic_store(&c->done,q);} }
  waitpid(kid,0,0); return 0;}
